using System.Text.Json.Nodes;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.EdgeTpu;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.Tests.Keras;
using ModelBuild.Core.TfLite;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.Keras.KerasTestModel;
using static ModelBuild.Core.Tests.Operators.OneOpOracle;

namespace ModelBuild.Core.Tests.Operators;

/// <summary>TRANSPOSE_CONV: its .tflite form (inputs reordered, bias as version 3's fourth input) and Keras Conv2DTranspose; the kernels against TFLite 2.9 in Execution/Float/TransposeConvKernelTests and Execution/Int8/Int8TransposeConvKernelTests.</summary>
[TestClass]
public sealed class TransposeConvDefinitionTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("transpose-conv");

    internal static ModelGraph OneTransposeConv(int[] inShape, int oc, int k, int stride, Padding padding, bool bias, int seed)
    {
        var r = new Random(seed);
        float[] Random(int n, float a) => Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 2 - 1) * a).ToArray();
        int oh = padding == Padding.Same ? inShape[1] * stride : inShape[1] * stride + Math.Max(k - stride, 0);
        int ow = padding == Padding.Same ? inShape[2] * stride : inShape[2] * stride + Math.Max(k - stride, 0);
        var x = new Tensor("x", inShape);
        var w = new Tensor("weights", [oc, k, k, inShape[3]], DataType.Float32, Random(oc * k * k * inShape[3], 0.6f));
        var b = bias ? new Tensor("bias", [oc], DataType.Float32, Random(oc, 0.4f)) : null;
        var shape = new Tensor("output_shape", [4], DataType.Int32, new[] { 1, oh, ow, oc });
        return OneNode("tconv", OpType.TransposeConv, [x], [x, w, b, shape], new TransposeConvOptions(padding, stride, stride));
    }

    public static IEnumerable<object[]> Cases =>
    [
        [new[] { 1, 4, 5, 3 }, 6, 3, 2, Padding.Same, true],
        [new[] { 1, 4, 4, 5 }, 4, 3, 2, Padding.Valid, true],
        [new[] { 1, 3, 5, 4 }, 3, 2, 2, Padding.Same, false],
        [new[] { 1, 5, 4, 2 }, 5, 4, 2, Padding.Same, true],
        [new[] { 1, 5, 5, 3 }, 4, 3, 1, Padding.Same, true],
        [new[] { 1, 3, 3, 4 }, 2, 5, 3, Padding.Valid, false],
    ];

    [TestMethod]
    public void Int8_transpose_conv_read_back_from_tflite_keeps_its_inputs_and_runs_alike()
    {
        var g = OneTransposeConv([1, 4, 4, 3], 5, 3, 2, Padding.Same, true, 9);
        var int8 = Quantizer.Quantize(g, Calibrate(g, 4));
        var back = TfLiteReader.Read(TfLiteWriter.Write(int8));
        CollectionAssert.AreEqual(int8.Nodes[0].Inputs.Select(t => t?.Name).ToList(), back.Nodes[0].Inputs.Select(t => t?.Name).ToList());
        Assert.AreEqual(int8.Nodes[0].Options, back.Nodes[0].Options);
        var x = Execution.Int8TestHelpers.RandomInt8(48, new Random(3));
        CollectionAssert.AreEqual(new Int8Executor(int8).Run(x), new Int8Executor(back).Run(x));
        Assert.IsTrue(EdgeTpuStaticCheck.Check(int8).FullyMapped);
    }

    /// <summary>Keras' Conv2DTranspose written out with its own [kh, kw, out, in] kernel and TensorFlow's SAME padding.</summary>
    private static float[] NaiveKeras(float[] x, int h, int w, int ic, float[] k, int kh, int kw, int oc, int s, int oh, int ow, bool same)
    {
        int padT = same ? Math.Max((h - 1) * s + kh - oh, 0) / 2 : 0, padL = same ? Math.Max((w - 1) * s + kw - ow, 0) / 2 : 0;
        var y = new float[oh * ow * oc];
        for (int iy = 0; iy < h; iy++)
            for (int ix = 0; ix < w; ix++)
                for (int ky = 0; ky < kh; ky++)
                    for (int kx = 0; kx < kw; kx++)
                    {
                        int oy = iy * s + ky - padT, ox = ix * s + kx - padL;
                        if (oy < 0 || oy >= oh || ox < 0 || ox >= ow) continue;
                        for (int o = 0; o < oc; o++)
                            for (int i = 0; i < ic; i++)
                                y[(oy * ow + ox) * oc + o] += x[(iy * w + ix) * ic + i] * k[((ky * kw + kx) * oc + o) * ic + i];
                    }

        return y;
    }

    [TestMethod]
    [DataRow("same", 6, 8)]
    [DataRow("valid", 7, 9)]
    public void Keras_conv2d_transpose_computes_its_layer_with_the_activation_after(string padding, int oh, int ow)
    {
        var path = new KerasTestModel()
            .Input("x", 3, 4, 2)
            .Layer("Conv2DTranspose", "up", Cfg(("filters", 3), ("kernel_size", new JsonArray(3, 3)), ("strides", new JsonArray(2, 2)),
                ("padding", padding), ("activation", "relu"), ("output_padding", null), ("dilation_rate", new JsonArray(1, 1))), "x")
            .Weight("up", "kernel", 3, 3, 3, 2).Weight("up", "bias", 3)
            .Write(Path.Combine(_dir, $"conv2d_transpose_{padding}.h5"), "up");
        var g = KerasModelReader.Read(path);
        Assert.AreEqual("TransposeConv Relu", string.Join(" ", g.Nodes.Select(n => n.Op)));
        CollectionAssert.AreEqual(new[] { 1, oh, ow, 3 }, g.Outputs[0].Shape);
        var x = Enumerable.Range(0, 24).Select(i => (i % 7) / 3f - 1).ToArray();
        var kernel = Enumerable.Range(0, 54).Select(i => (((i + 1) * 7919 * 1) % 1000) / 1000f - 0.5f).ToArray();
        var bias = Enumerable.Range(0, 3).Select(i => (((i + 1) * 7919 * 2) % 1000) / 1000f - 0.5f).ToArray();
        var expected = NaiveKeras(x, 3, 4, 2, kernel, 3, 3, 3, 2, oh, ow, padding == "same").Select((v, i) => Math.Max(0, v + bias[i % 3])).ToArray();
        FloatOutputAssert.Close(expected, new FloatExecutor(g).Run(x), 1e-5, "Conv2DTranspose");
        Int8BitIdentical(g, 3);
    }

    [TestMethod]
    public void Keras3_archive_conv2d_transpose_reads_its_weights_from_the_snake_case_saving_key()
    {
        var kernel = KerasArchiveTestModel.Random(3, 2, 2, 4, 3);
        var bias = KerasArchiveTestModel.Random(4, 4);
        var config = KerasArchiveTestModel.Functional("m", "x", "up",
            KerasArchiveTestModel.InputLayer("x", null, 3, 3, 3),
            KerasArchiveTestModel.Layer("Conv2DTranspose", "up", Cfg(("filters", 4), ("kernel_size", new JsonArray(2, 2)), ("strides", new JsonArray(2, 2)),
                ("padding", "valid"), ("output_padding", null), ("use_bias", true)), "x"));
        var path = KerasArchiveTestModel.Write(Path.Combine(_dir, "tconv.keras"), config, [("layers/conv2d_transpose/vars", [kernel, bias])]);
        var g = KerasModelReader.Read(path);
        CollectionAssert.AreEqual(new[] { 1, 6, 6, 4 }, g.Outputs[0].Shape);
        var x = Enumerable.Range(0, 27).Select(i => (i % 5) / 2f - 1).ToArray();
        var expected = NaiveKeras(x, 3, 3, 3, kernel.Data, 2, 2, 4, 2, 6, 6, same: false).Select((v, i) => v + bias.Data[i % 4]).ToArray();
        FloatOutputAssert.Close(expected, new FloatExecutor(g).Run(x), 1e-5, "Conv2DTranspose from .keras");
    }

    [TestMethod]
    [DataRow("dilation_rate", "with dilation_rate (2, 2)")]
    [DataRow("output_padding", "with output_padding")]
    public void Keras_conv2d_transpose_variants_tflite_cannot_express_are_mb1003(string option, string what)
    {
        var cfg = Cfg(("filters", 2), ("kernel_size", new JsonArray(3, 3)), ("strides", new JsonArray(2, 2)), ("padding", "same"));
        cfg[option] = new JsonArray(option == "dilation_rate" ? 2 : 1, option == "dilation_rate" ? 2 : 1);
        var path = new KerasTestModel().Input("x", 3, 3, 2).Layer("Conv2DTranspose", "up", cfg, "x")
            .Weight("up", "kernel", 3, 3, 2, 2).Weight("up", "bias", 2).Write(Path.Combine(_dir, $"tconv_{option}.h5"), "up");
        var e = Assert.ThrowsExactly<ModelBuildException>(() => KerasModelReader.Read(path));
        Assert.AreEqual("MB1003", e.Code);
        StringAssert.Contains(e.Message, $"layer 'up' (Conv2DTranspose) {what}");
    }
}
