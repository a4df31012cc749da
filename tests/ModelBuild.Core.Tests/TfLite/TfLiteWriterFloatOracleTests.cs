using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Tests.Execution;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.TfLite.TfLiteTestModels;

namespace ModelBuild.Core.Tests.TfLite;

/// <summary>
/// The real TFLite runtime loads every one-op float model our writer emits, and computes what the op means:
/// a naive reference written here for the ops with weights and geometry, the FloatExecutor (itself checked against
/// Keras references) for the whole catalogue of one-op models.
/// </summary>
[TestClass]
public sealed class TfLiteWriterFloatOracleTests
{
    public static IEnumerable<object[]> Cases => Int8OneOpModels.All().Select(c => new object[] { c.Name });

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void One_op_float_model_runs_in_tflite_like_the_float_executor(string name)
    {
        var graph = Int8OneOpModels.All().Single(c => c.Name == name).Graph;
        var r = new Random(5);
        var inputs = graph.Inputs.Select(t => RandomFloats(r, t.ElementCount, 2f)).ToArray();
        var feed = new Dictionary<Tensor, float[]>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < inputs.Length; i++) feed[graph.Inputs[i]] = inputs[i];
        var expected = new FloatExecutor(graph).Run(feed)[graph.Outputs[0]];

        var actual = TfLiteRuntimeFloat(graph, inputs);
        AssertClose(expected, actual, name);
    }

    [TestMethod]
    public void Conv2d_same_stride2_dilation_matches_a_naive_reference()
    {
        var r = new Random(3);
        foreach (var (stride, dilation, padding) in new[] { (2, 1, Padding.Same), (1, 2, Padding.Same), (2, 1, Padding.Valid) })
        {
            int[] xs = [1, 9, 8, 3];
            var x = new Tensor("x", xs);
            var w = new Tensor("w", [4, 3, 3, 3], DataType.Float32, RandomFloats(r, 4 * 27));
            var b = new Tensor("b", [4], DataType.Float32, RandomFloats(r, 4));
            var (oh, ow, pt, pl) = Geometry(xs[1], xs[2], 3, 3, stride, dilation, padding);
            var y = new Tensor("y", [1, oh, ow, 4]);
            var g = new ModelGraph("conv", [x], [y], [new Node("y", OpType.Conv2D, [x, w, b], [y], new Conv2DOptions(padding, stride, stride, dilation, dilation, FusedActivation.Relu))]);
            var input = RandomFloats(r, x.ElementCount);

            var expected = new float[y.ElementCount];
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++)
                    for (int o = 0; o < 4; o++)
                    {
                        double acc = b.FloatData[o];
                        for (int ky = 0; ky < 3; ky++)
                            for (int kx = 0; kx < 3; kx++)
                            {
                                int iy = oy * stride + ky * dilation - pt, ix = ox * stride + kx * dilation - pl;
                                if (iy < 0 || ix < 0 || iy >= xs[1] || ix >= xs[2]) continue;
                                for (int c = 0; c < 3; c++) acc += input[(iy * xs[2] + ix) * 3 + c] * w.FloatData[((o * 3 + ky) * 3 + kx) * 3 + c];
                            }

                        expected[(oy * ow + ox) * 4 + o] = (float)Math.Max(0, acc);
                    }

            AssertClose(expected, TfLiteRuntimeFloat(g, [input]), $"conv s{stride} d{dilation} {padding}");
        }
    }

    [TestMethod]
    public void Depthwise_with_multiplier_2_matches_a_naive_reference()
    {
        var r = new Random(4);
        int[] xs = [1, 6, 7, 3];
        const int m = 2, k = 3;
        var x = new Tensor("x", xs);
        var w = new Tensor("w", [1, k, k, 6], DataType.Float32, RandomFloats(r, k * k * 6));
        var b = new Tensor("b", [6], DataType.Float32, RandomFloats(r, 6));
        var (oh, ow, pt, pl) = Geometry(xs[1], xs[2], k, k, 1, 1, Padding.Same);
        var y = new Tensor("y", [1, oh, ow, 6]);
        var g = new ModelGraph("dw", [x], [y], [new Node("y", OpType.DepthwiseConv2D, [x, w, b], [y], new DepthwiseConv2DOptions(Padding.Same, 1, 1, m))]);
        var input = RandomFloats(r, x.ElementCount);
        var expected = new float[y.ElementCount];
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++)
                for (int oc = 0; oc < 6; oc++)
                {
                    double acc = b.FloatData[oc];
                    int c = oc / m;
                    for (int ky = 0; ky < k; ky++)
                        for (int kx = 0; kx < k; kx++)
                        {
                            int iy = oy + ky - pt, ix = ox + kx - pl;
                            if (iy < 0 || ix < 0 || iy >= xs[1] || ix >= xs[2]) continue;
                            acc += input[(iy * xs[2] + ix) * 3 + c] * w.FloatData[(ky * k + kx) * 6 + oc];
                        }

                    expected[(oy * ow + ox) * 6 + oc] = (float)acc;
                }

        AssertClose(expected, TfLiteRuntimeFloat(g, [input]), "depthwise m=2");
    }

    [TestMethod]
    public void Fully_connected_without_bias_and_average_pool_same_match_naive_references()
    {
        var r = new Random(6);
        var x = new Tensor("x", [1, 12]);
        var w = new Tensor("w", [5, 12], DataType.Float32, RandomFloats(r, 60));
        var y = new Tensor("y", [1, 5]);
        var fc = new ModelGraph("fc", [x], [y], [new Node("y", OpType.FullyConnected, [x, w], [y], new FullyConnectedOptions())]);
        var input = RandomFloats(r, 12);
        var expected = Enumerable.Range(0, 5).Select(o => Enumerable.Range(0, 12).Sum(i => input[i] * w.FloatData[o * 12 + i])).ToArray();
        AssertClose(expected, TfLiteRuntimeFloat(fc, [input]), "fc without bias");

        // TFLite's average pool divides by the number of in-bounds taps only.
        var px = new Tensor("x", [1, 3, 3, 1]);
        var py = new Tensor("y", [1, 2, 2, 1]);
        var pool = new ModelGraph("pool", [px], [py], [new Node("y", OpType.AveragePool2D, [px], [py], new Pool2DOptions(Padding.Same, 2, 2, 2, 2))]);
        float[] pin = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        AssertClose([(1 + 2 + 4 + 5) / 4f, (3 + 6) / 2f, (7 + 8) / 2f, 9f], TfLiteRuntimeFloat(pool, [pin]), "avgpool same");
    }

    [TestMethod]
    public void Quantize_and_dequantize_round_trip_through_int8()
    {
        var x = new Tensor("x", [1, 6]);
        var q = new Tensor("q", [1, 6], DataType.Int8) { Quant = QuantParams.PerTensor(0.5f, -3) };
        var y = new Tensor("y", [1, 6]);
        var g = new ModelGraph("qdq", [x], [y], [new Node("q", OpType.Quantize, [x], [q]), new Node("y", OpType.Dequantize, [q], [y])]);
        float[] input = [-70f, -1.2f, 0f, 0.74f, 10.3f, 100f];
        float[] expected = [-62.5f, -1.0f, 0f, 0.5f, 10.5f, 65f]; // clamp to [-128,127] around zero point -3
        AssertClose(expected, TfLiteRuntimeFloat(g, [input]), "quantize/dequantize");
    }

    [TestMethod]
    public void Convolutions_without_bias_run_in_float_and_int8()
    {
        var r = new Random(8);
        var x = new Tensor("x", [1, 5, 5, 2]);
        var cw = new Tensor("cw", [3, 3, 3, 2], DataType.Float32, RandomFloats(r, 54));
        var c = new Tensor("c", [1, 5, 5, 3]);
        var dw = new Tensor("dw", [1, 3, 3, 3], DataType.Float32, RandomFloats(r, 27));
        var y = new Tensor("y", [1, 5, 5, 3]);
        var g = new ModelGraph("nobias", [x], [y],
        [
            new Node("c", OpType.Conv2D, [x, cw, null], [c], new Conv2DOptions(Padding.Same, 1, 1)),
            new Node("y", OpType.DepthwiseConv2D, [c, dw], [y], new DepthwiseConv2DOptions(Padding.Same, 1, 1, 1)),
        ]);
        var input = RandomFloats(r, x.ElementCount);
        AssertClose(new FloatExecutor(g).Run(input), TfLiteRuntimeFloat(g, [input]), "float without bias");
        Assert.HasCount(2, g.Nodes[1].Inputs, "the writer does not change the graph it writes");

        // The same in int8: TFLite 2.9's DEPTHWISE_CONV_2D needs a bias, the writer supplies a zero one.
        var qx = new Tensor("x", [1, 5, 5, 2], DataType.Int8) { Quant = QuantParams.PerTensor(0.05f, 2) };
        var qw = new Tensor("dw", [1, 3, 3, 2], DataType.Int8, RandomInt8(r, 18, -127, 127)) { Quant = new QuantParams([0.01f, 0.02f], [0, 0], 3) };
        var qy = new Tensor("y", [1, 5, 5, 2], DataType.Int8) { Quant = QuantParams.PerTensor(0.02f, -1) };
        var q = new ModelGraph("nobias8", [qx], [qy], [new Node("y", OpType.DepthwiseConv2D, [qx, qw], [qy], new DepthwiseConv2DOptions(Padding.Same, 1, 1, 1))]);
        var qin = RandomInt8(r, qx.ElementCount);
        var actual = TfLiteInterpreter.AsInt8(RunInTfLite(q, qin)[0]);
        CollectionAssert.AreEqual(new Int8Executor(q).Run(qin), actual, "int8 depthwise without bias: TFLite vs Int8Executor");
    }

    internal static float[] TfLiteRuntimeFloat(ModelGraph graph, float[][] inputs) =>
        TfLiteInterpreter.AsFloat(RunInTfLite(graph, inputs.Cast<Array>().ToArray())[0]);

    private static (int Oh, int Ow, int PadTop, int PadLeft) Geometry(int h, int w, int kh, int kw, int stride, int dilation, Padding p)
    {
        int eh = (kh - 1) * dilation + 1, ew = (kw - 1) * dilation + 1;
        if (p == Padding.Valid) return ((h - eh) / stride + 1, (w - ew) / stride + 1, 0, 0);
        int oh = (h + stride - 1) / stride, ow = (w + stride - 1) / stride;
        int padH = Math.Max(0, (oh - 1) * stride + eh - h), padW = Math.Max(0, (ow - 1) * stride + ew - w);
        return (oh, ow, padH / 2, padW / 2);
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        NumericAssert.SameLengthAndFinite(expected, actual, what);
        for (int i = 0; i < expected.Length; i++)
            Assert.AreEqual(expected[i], actual[i], 1e-4 * Math.Max(1, Math.Abs(expected[i])), $"{what}: element {i}");
    }
}
