using System.Text.Json.Nodes;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Tests.Execution;
using ModelBuild.Core.Tests.Keras;
using ModelBuild.Core.TfLite;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.Keras.KerasTestModel;
using static ModelBuild.Core.Tests.Operators.OneOpOracle;

namespace ModelBuild.Core.Tests.Operators;

/// <summary>DEPTHWISE_CONV_2D with depth_multiplier > 1, end to end: Keras layer, float against Keras' meaning, int8 against TFLite 2.9.</summary>
[TestClass]
public sealed class DepthwiseConv2DDefinitionTests
{
    public static IEnumerable<object[]> OneOpRows => Int8OneOpAgreement.RowsOf(nameof(DepthwiseConv2DDefinitionTests));

    [TestMethod]
    [DynamicData(nameof(OneOpRows))]
    public void One_op_int8_model_matches_float_within_two_output_steps(string name) =>
        Int8OneOpAgreement.AssertMatchesFloatWithinTwoOutputSteps(name);

    [TestMethod]
    [DynamicData(nameof(OneOpRows))]
    public void Model_read_back_from_tflite_runs_identically(string name) => Int8OneOpAgreement.AssertReadBackRunsIdentically(name);

    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("depthwise");

    /// <summary>Keras: out[y, x, c·m + j] = Σ in[y·s + ky − pad, x·s + kx − pad, c] · kernel[ky, kx, c, j] + bias[c·m + j].</summary>
    private static float[] NaiveKeras(float[] x, int h, int w, int c, float[] k, float[] bias, int kh, int kw, int m, int s, bool same, int oh, int ow)
    {
        int padT = same ? Math.Max((oh - 1) * s + kh - h, 0) / 2 : 0, padL = same ? Math.Max((ow - 1) * s + kw - w, 0) / 2 : 0;
        var y = new float[oh * ow * c * m];
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++)
                for (int ch = 0; ch < c; ch++)
                    for (int j = 0; j < m; j++)
                    {
                        double sum = bias[ch * m + j];
                        for (int ky = 0; ky < kh; ky++)
                            for (int kx = 0; kx < kw; kx++)
                            {
                                int iy = oy * s + ky - padT, ix = ox * s + kx - padL;
                                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                                sum += x[(iy * w + ix) * c + ch] * k[((ky * kw + kx) * c + ch) * m + j];
                            }

                        y[(oy * ow + ox) * c * m + ch * m + j] = (float)sum;
                    }

        return y;
    }

    [TestMethod]
    [DataRow(2, 1, "same", 5, 6)]
    [DataRow(3, 2, "valid", 2, 2)]
    [DataRow(4, 2, "same", 3, 3)]
    public void Keras_depthwise_with_a_depth_multiplier_matches_keras_float_and_tflite_int8(int m, int stride, string padding, int oh, int ow)
    {
        var path = new KerasTestModel()
            .Input("x", 5, 6, 3)
            .Layer("DepthwiseConv2D", "dw", Cfg(("kernel_size", new JsonArray(3, 3)), ("strides", new JsonArray(stride, stride)), ("padding", padding),
                ("depth_multiplier", m), ("use_bias", true)), "x")
            .Weight("dw", "depthwise_kernel", 3, 3, 3, m).Weight("dw", "bias", 3 * m)
            .Write(Path.Combine(_dir, $"dw_m{m}_{padding}.h5"), "dw");
        var g = KerasModelReader.Read(path);
        CollectionAssert.AreEqual(new[] { 1, oh, ow, 3 * m }, g.Outputs[0].Shape);
        Assert.AreEqual(m, g.Nodes[0].OptionsAs<DepthwiseConv2DOptions>().DepthMultiplier);
        var x = Enumerable.Range(0, 90).Select(i => (i * 37 % 19) / 9f - 1).ToArray();
        var kernel = Enumerable.Range(0, 27 * m).Select(i => (((i + 1) * 7919 * 1) % 1000) / 1000f - 0.5f).ToArray();
        var bias = Enumerable.Range(0, 3 * m).Select(i => (((i + 1) * 7919 * 2) % 1000) / 1000f - 0.5f).ToArray();
        var expected = NaiveKeras(x, 5, 6, 3, kernel, bias, 3, 3, m, stride, padding == "same", oh, ow);
        FloatOutputAssert.Close(expected, new FloatExecutor(g).Run(x), 1e-5, $"depthwise m={m}");
        FloatClose(g, 1e-5, 3);
        var int8 = Int8BitIdentical(g, 4);
        Assert.AreEqual(m, int8.Nodes[0].OptionsAs<DepthwiseConv2DOptions>().DepthMultiplier);
        Assert.AreEqual(m, TfLiteReader.Read(TfLiteWriter.Write(int8)).Nodes[0].OptionsAs<DepthwiseConv2DOptions>().DepthMultiplier);
    }
}
