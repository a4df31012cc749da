using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Quantization;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.Execution.Int8TestHelpers;

namespace ModelBuild.Core.Tests.Quantization;

[TestClass]
public sealed class QuantizerTests
{
    /// <summary>input → conv(relu) → maxpool → reshape → fc → softmax, with hand-made ranges.</summary>
    private static (ModelGraph Graph, CalibrationResult Ranges) Small()
    {
        var r = new Random(5);
        float[] Rand(int n, float a) => Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 2 - 1) * a).ToArray();
        var x = new Tensor("input_1", [1, 4, 4, 2]);
        var w = new Tensor("conv/kernel", [3, 3, 3, 2], DataType.Float32, Rand(54, 1f));
        // Channel 1 gets small weights so per-channel scales differ clearly.
        for (int i = 18; i < 36; i++) w.FloatData[i] *= 0.01f;
        var b = new Tensor("conv/bias", [3], DataType.Float32, new[] { 0.5f, -0.25f, 0f });
        var c = new Tensor("conv", [1, 4, 4, 3]);
        var p = new Tensor("pool", [1, 2, 2, 3]);
        var f = new Tensor("flatten", [1, 12]);
        var shape = new Tensor("flatten/shape", [2], DataType.Int32, new[] { 1, 12 });
        var fw = new Tensor("dense/kernel", [5, 12], DataType.Float32, Rand(60, 0.5f));
        var fb = new Tensor("dense/bias", [5], DataType.Float32, Rand(5, 0.1f));
        var d = new Tensor("dense", [1, 5]);
        var s = new Tensor("softmax", [1, 5]);
        var g = new ModelGraph("small", [x], [s],
        [
            new Node("conv", OpType.Conv2D, [x, w, b], [c], new Conv2DOptions(Padding.Same, 1, 1, Activation: FusedActivation.Relu)) { SourceLayer = "conv", SourceClass = "Conv2D" },
            new Node("pool", OpType.MaxPool2D, [c], [p], new Pool2DOptions(Padding.Valid, 2, 2, 2, 2)),
            new Node("flatten", OpType.Reshape, [p, shape], [f], new ReshapeOptions([1, 12])),
            new Node("dense", OpType.FullyConnected, [f, fw, fb], [d], new FullyConnectedOptions()),
            new Node("softmax", OpType.Softmax, [d], [s], new SoftmaxOptions()),
        ]);
        var ranges = new CalibrationResult();
        ranges.Set("input_1", -1f, 3f);
        ranges.Set("conv", 0f, 5f);
        ranges.Set("pool", 0f, 4f);
        ranges.Set("flatten", 0f, 4f);
        ranges.Set("dense", -3f, 2f);
        ranges.Set("softmax", 0f, 1f);
        return (g, ranges);
    }

    [TestMethod]
    public void Activations_are_asymmetric_with_a_nudged_zero_point()
    {
        var (g, ranges) = Small();
        var q = Quantizer.Quantize(g, ranges);
        var input = q.Inputs[0];
        Assert.AreEqual(DataType.Int8, input.Type);
        Assert.AreEqual("input_1", input.Name);
        Assert.AreEqual(4f / 255, input.Quant!.Scale[0], 1e-9f);
        Assert.AreEqual(-64L, input.Quant.ZeroPoint[0]); // -128 + 1/(4/255) = -64.25 → -64
        var dense = q.FindTensor("dense");
        Assert.AreEqual(5f / 255, dense.Quant!.Scale[0], 1e-9f);
        Assert.AreEqual(25L, dense.Quant.ZeroPoint[0]); // -128 + 3/(5/255) = 25
    }

    [TestMethod]
    public void Pool_and_reshape_keep_their_input_parameters()
    {
        var (g, ranges) = Small();
        var q = Quantizer.Quantize(g, ranges);
        var conv = q.FindTensor("conv").Quant!;
        Assert.AreEqual(5f / 255, conv.Scale[0], 1e-9f); // union of conv [0,5], pool [0,4], flatten [0,4]
        Assert.AreEqual(-128L, conv.ZeroPoint[0]);
        foreach (var name in new[] { "pool", "flatten" })
        {
            Assert.AreEqual(conv.Scale[0], q.FindTensor(name).Quant!.Scale[0]);
            Assert.AreEqual(conv.ZeroPoint[0], q.FindTensor(name).Quant!.ZeroPoint[0]);
        }
    }

    [TestMethod]
    public void Softmax_output_is_fixed_at_one_over_256()
    {
        var (g, ranges) = Small();
        var s = Quantizer.Quantize(g, ranges).Outputs[0];
        Assert.AreEqual(DataType.Int8, s.Type);
        Assert.AreEqual(1f / 256, s.Quant!.Scale[0]);
        Assert.AreEqual(-128L, s.Quant.ZeroPoint[0]);
    }

    [TestMethod]
    public void Conv_weights_are_per_channel_symmetric_and_bias_scale_is_input_times_weight()
    {
        var (g, ranges) = Small();
        var q = Quantizer.Quantize(g, ranges);
        var conv = q.Nodes.Single(n => n.Op == OpType.Conv2D);
        var w = conv.Inputs[1]!;
        Assert.AreEqual(DataType.Int8, w.Type);
        Assert.AreEqual(3, w.Quant!.Scale.Length);
        Assert.AreEqual(0, w.Quant.QuantizedDimension);
        Assert.IsTrue(w.Quant.ZeroPoint.All(z => z == 0));
        Assert.IsTrue(w.Int8Data.All(v => v >= -127));
        var floatW = g.Nodes[0].Inputs[1]!.FloatData;
        for (int c = 0; c < 3; c++)
        {
            float maxAbs = floatW.Skip(c * 18).Take(18).Max(Math.Abs);
            Assert.AreEqual(maxAbs / 127, w.Quant.Scale[c], 1e-9f);
            Assert.AreEqual(127, w.Int8Data.Skip(c * 18).Take(18).Max(v => Math.Abs((int)v)));
        }

        Assert.IsLessThan(w.Quant.Scale[0] / 20, w.Quant.Scale[1]);
        var b = conv.Inputs[2]!;
        Assert.AreEqual(DataType.Int32, b.Type);
        float inScale = q.Inputs[0].Quant!.Scale[0];
        for (int c = 0; c < 3; c++)
        {
            Assert.AreEqual(inScale * w.Quant.Scale[c], b.Quant!.Scale[c]);
            Assert.AreEqual(new[] { 0.5f, -0.25f, 0f }[c], b.Int32Data[c] * b.Quant.Scale[c], b.Quant.Scale[c]);
        }
    }

    [TestMethod]
    public void Per_tensor_option_gives_one_weight_scale()
    {
        var (g, ranges) = Small();
        var q = Quantizer.Quantize(g, ranges, new QuantizationOptions { PerChannel = false });
        var w = q.Nodes.Single(n => n.Op == OpType.Conv2D).Inputs[1]!;
        Assert.AreEqual(1, w.Quant!.Scale.Length);
        Assert.AreEqual(g.Nodes[0].Inputs[1]!.FloatData.Max(Math.Abs) / 127, w.Quant.Scale[0], 1e-9f);
        var fc = q.Nodes.Single(n => n.Op == OpType.FullyConnected).Inputs[1]!;
        Assert.AreEqual(1, fc.Quant!.Scale.Length);
    }

    [TestMethod]
    public void Names_and_structure_are_preserved()
    {
        var (g, ranges) = Small();
        var q = Quantizer.Quantize(g, ranges);
        CollectionAssert.AreEqual(g.Nodes.Select(n => n.Name).ToList(), q.Nodes.Select(n => n.Name).ToList());
        CollectionAssert.AreEqual(g.Tensors.Select(t => t.Name).ToList(), q.Tensors.Select(t => t.Name).ToList());
        Assert.IsTrue(q.Tensors.Where(t => !t.IsConstant).All(t => t.Type == DataType.Int8 && t.Quant is not null));
        Assert.AreEqual("conv", q.Nodes[0].SourceLayer);
    }

    [TestMethod]
    public void A_missing_range_is_MB3001_naming_the_tensor_and_the_layer()
    {
        var (g, ranges) = Small();
        var partial = new CalibrationResult();
        foreach (var (k, v) in ranges.Ranges.Where(kv => kv.Key != "dense")) partial.Set(k, v.Min, v.Max);
        var e = Assert.ThrowsExactly<ModelBuildException>(() => Quantizer.Quantize(g, partial));
        Assert.AreEqual("MB3001", e.Code);
        StringAssert.Contains(e.Message, "'dense'");
    }

    [TestMethod]
    public void A_non_finite_range_is_MB3004()
    {
        var (g, ranges) = Small();
        ranges.Set("conv", 0f, float.NaN);
        var e = Assert.ThrowsExactly<ModelBuildException>(() => Quantizer.Quantize(g, ranges));
        Assert.AreEqual("MB3004", e.Code);
        StringAssert.Contains(e.Message, "layer 'conv' (Conv2D)");
    }

    [TestMethod]
    public void An_unquantizable_op_is_MB3002_naming_the_layer()
    {
        var x = new Tensor("in", [1, 4]);
        var y = new Tensor("deq", [1, 4]);
        var g = new ModelGraph("m", [x], [y], [new Node("deq", OpType.Dequantize, [x], [y]) { SourceLayer = "odd", SourceClass = "Lambda" }]);
        var e = Assert.ThrowsExactly<ModelBuildException>(() => Quantizer.Quantize(g, new CalibrationResult()));
        Assert.AreEqual("MB3002", e.Code);
        StringAssert.Contains(e.Message, "layer 'odd' (Lambda)");
    }

    [TestMethod]
    public void Concatenation_inputs_share_the_output_parameters()
    {
        var a = new Tensor("a", [1, 2, 2, 1]);
        var b = new Tensor("b", [1, 2, 2, 1]);
        var c = new Tensor("c", [1, 2, 2, 2]);
        var g = new ModelGraph("m", [a, b], [c], [new Node("c", OpType.Concatenation, [a, b], [c], new ConcatenationOptions(3))]);
        var ranges = new CalibrationResult();
        ranges.Set("a", -1, 1);
        ranges.Set("b", 0, 6);
        ranges.Set("c", -1, 6);
        var q = Quantizer.Quantize(g, ranges);
        var p = q.FindTensor("c").Quant!;
        Assert.AreEqual(7f / 255, p.Scale[0], 1e-9f);
        foreach (var t in q.Inputs)
        {
            Assert.AreEqual(p.Scale[0], t.Quant!.Scale[0]);
            Assert.AreEqual(p.ZeroPoint[0], t.Quant.ZeroPoint[0]);
        }
    }

    private const string MobileNet = "02_keras_apps_mobilenet_v1_0.25_224_imagenet_k2.8.h5";

    [TestMethod]
    public void Int8_MobileNet_classifies_the_bird_as_chickadee_like_float()
    {
        var floatGraph = KerasModelReader.Read(RepoPaths.KerasModel(MobileNet));
        var shape = floatGraph.Inputs[0].Shape;
        var ranges = Calibrator.Calibrate(floatGraph, AccuracyInputs.Samples("02", shape), new RecordingBuildLog());
        var int8 = Quantizer.Quantize(floatGraph, ranges);

        var bird = AccuracyInputs.Samples("02", shape, mirrored: false).First();
        var floatOut = new FloatExecutor(floatGraph).Run(bird);
        var int8Out = RunOnRealValues(new Int8Executor(int8), bird);

        Assert.AreEqual(19, OutputAgreement.ArgMax(floatOut), "float model");
        Assert.AreEqual(19, OutputAgreement.ArgMax(int8Out), "int8 model");
        Console.WriteLine($"float p={floatOut[19]:F3}, int8 p={int8Out[19]:F3}");
    }

}
