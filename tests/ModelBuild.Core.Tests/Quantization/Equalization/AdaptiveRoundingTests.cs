using ModelBuild.Core.Graph;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.Quantization.Equalization;

namespace ModelBuild.Core.Tests.Quantization.Equalization;

[TestClass]
public sealed class AdaptiveRoundingTests
{
    /// <summary>
    /// x (1×4) → FULLY_CONNECTED(1 unit): weights 1.27 (scale 0.01) and three of 0.004, which nearest rounding sends to
    /// 0. The samples' four inputs move together, so the three errors add up (−0.012·x); rounding one of them up to 0.01
    /// leaves −0.002·x.
    /// </summary>
    private static (ModelGraph Graph, float[][] Samples) Dense(int sampleCount)
    {
        var x = new Tensor("x", [1, 4]);
        var y = new Tensor("y", [1, 1]);
        var w = new Tensor("w", [1, 4], DataType.Float32, new[] { 1.27f, 0.004f, 0.004f, 0.004f });
        var graph = new ModelGraph("g", [x], [y], [new Node("dense", OpType.FullyConnected, [x, w], [y], new FullyConnectedOptions())]);
        var samples = Enumerable.Range(0, sampleCount).Select(i =>
        {
            float v = 1 + i % 5;
            return new[] { v, v + 0.1f * (i % 3), v - 0.1f * (i % 2), v };
        }).ToArray();
        return (graph, samples);
    }

    private static InputMoments Observed(ModelGraph graph, float[][] samples, Tensor? input = null)
    {
        var moments = new InputMoments(graph);
        foreach (var s in samples) moments.Observe(input ?? graph.Inputs[0], s, batch: 1);
        return moments;
    }

    private static double OutputError(float[] weights, float[] original, float[][] samples) =>
        samples.Sum(s =>
        {
            double e = 0;
            for (int i = 0; i < s.Length; i++) e += (weights[i] - original[i]) * s[i];
            return e * e;
        });

    [TestMethod]
    public void Rounding_lowers_the_layers_output_error_on_the_samples_below_nearest_rounding()
    {
        var (graph, samples) = Dense(16);
        var original = graph.Nodes[0].Inputs[1]!.FloatData;
        float scale = 1.27f / 127;
        var nearest = original.Select(v => QuantParamMath.QuantizeSymmetric(v, scale) * scale).ToArray();

        var rounded = AdaptiveRounding.Apply(graph, Observed(graph, samples)).Nodes[0].Inputs[1]!.FloatData;

        Assert.AreEqual(1, rounded.Skip(1).Count(v => v != 0), $"one small weight rounded up: {string.Join(", ", rounded)}");
        Assert.IsLessThan(OutputError(nearest, original, samples) / 4, OutputError(rounded, original, samples));
    }

    [TestMethod]
    public void Rounded_weights_are_levels_the_quantizer_reproduces_exactly()
    {
        var (graph, samples) = Dense(16);

        var w = AdaptiveRounding.Apply(graph, Observed(graph, samples)).Nodes[0].Inputs[1]!;
        var q = WeightQuantizer.Weights(w, null);

        float scale = q.Quant!.Scale[0];
        CollectionAssert.AreEqual(w.FloatData, q.Int8Data.Select(v => v * scale).ToArray(), "dequantized = the rounded weights");
        Assert.AreEqual(127, q.Int8Data[0], "the largest weight keeps ±127, so the scale is the same");
    }

    [TestMethod]
    public void A_layer_seen_at_fewer_positions_than_its_row_length_keeps_its_weights()
    {
        var (graph, samples) = Dense(3);

        var w = AdaptiveRounding.Apply(graph, Observed(graph, samples)).Nodes[0].Inputs[1]!;

        CollectionAssert.AreEqual(graph.Nodes[0].Inputs[1]!.FloatData, w.FloatData, "3 samples cannot tell 4 weights apart");
    }

    [TestMethod]
    public void A_layer_not_reading_the_model_input_moves_the_rounding_errors_mean_into_its_bias()
    {
        // relu → dense: the dense input is not the model input, so the errors' mean output shift Σ d·E[x] is taken out
        // of the bias, as bias correction would (the samples are positive: the ReLU passes them unchanged).
        var (dense, samples) = Dense(16);
        var x = new Tensor("x", [1, 4]);
        var r = new Tensor("r", [1, 4]);
        var node = dense.Nodes[0];
        var b = new Tensor("b", [1], DataType.Float32, new[] { 0.5f });
        var graph = new ModelGraph("g", [x], node.Outputs,
        [
            new Node("relu", OpType.Relu, [x], [r]),
            new Node("dense", OpType.FullyConnected, [r, node.Inputs[1], b], node.Outputs, node.Options),
        ]);

        var rounded = AdaptiveRounding.Apply(graph, Observed(graph, samples, r)).Nodes[1];

        var d = rounded.Inputs[1]!.FloatData.Zip(node.Inputs[1]!.FloatData, (a, o) => (double)a - o).ToArray();
        double meanShift = samples.Average(s => d.Zip(s, (u, v) => u * v).Sum());
        Assert.AreEqual(0.5 - meanShift, rounded.Inputs[2]!.FloatData[0], 1e-6);
    }
}
