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

    /// <summary>
    /// x (model input, 1 × positions × 1 × 3) → CONV_2D 1×1 (one row: 1.27 and two 0.004s, scale 0.01) with
    /// <paramref name="activation"/>. x₀ = 1 at the first <paramref name="inRange"/> positions (pre-activation ≈ 1.27,
    /// in ReLU6's range), where x₁ = −x₂ = ±1; x₀ = −1 elsewhere (clipped), where x₁ = x₂ = ±2. Over every position x₁
    /// and x₂ move together, so rounding one small weight up (d = +0.006, −0.004) beats nearest (−0.004, −0.004); over
    /// the in-range ones they move apart, and nearest is best (also with the clipped ones weighed κ²).
    /// </summary>
    private static (ModelGraph Graph, float[] Sample, Tensor Input) Pointwise(FusedActivation activation, int positions, int inRange)
    {
        var x = new Tensor("x", [1, positions, 1, 3]);
        var y = new Tensor("y", [1, positions, 1, 1]);
        var w = new Tensor("w", [1, 1, 1, 3], DataType.Float32, new[] { 1.27f, 0.004f, 0.004f });
        var conv = new Node("conv", OpType.Conv2D, [x, w], [y], new Conv2DOptions(Padding.Valid, 1, 1, Activation: activation));
        var sample = Enumerable.Range(0, positions).SelectMany(p =>
        {
            float t = p % 2 == 0 ? 1 : -1;
            return p < inRange ? new[] { 1f, t, -t } : new[] { -1f, 2 * t, 2 * t };
        }).ToArray();
        return (new ModelGraph("g", [x], [y], [conv]), sample, x);
    }

    private static float[] Rounded(FusedActivation activation, int positions, int inRange)
    {
        var (graph, sample, input) = Pointwise(activation, positions, inRange);
        return AdaptiveRounding.Apply(graph, Observed(graph, [sample], input)).Nodes[0].Inputs[1]!.FloatData;
    }

    [TestMethod]
    public void A_1x1_layer_that_mostly_clips_rounds_each_row_for_the_positions_its_activation_passes()
    {
        // 8 of 10 positions clip (0.8 ≥ the threshold): the row's H weighs them κ² and the in-range positions 1.
        var blind = Rounded(FusedActivation.None, 10, 2);
        var aware = Rounded(FusedActivation.Relu6, 10, 2);

        CollectionAssert.AreEqual(new[] { 1.27f, 0f, 0f }, aware, $"nearest for the in-range positions: {string.Join(", ", aware)}");
        Assert.AreEqual(1, blind.Skip(1).Count(v => v != 0), $"one small weight rounded up over every position: {string.Join(", ", blind)}");
    }

    [TestMethod]
    public void A_1x1_layer_that_clips_less_than_the_threshold_rounds_as_without_its_activation()
    {
        // 6 of 10 positions clip (0.6 < 0.7): the layer's one H, exactly as for a layer without an activation (per-row
        // H would round to nearest here).
        var blind = Rounded(FusedActivation.None, 10, 4);
        var aware = Rounded(FusedActivation.Relu6, 10, 4);

        CollectionAssert.AreEqual(blind, aware);
        Assert.AreEqual(1, aware.Skip(1).Count(v => v != 0), $"one small weight rounded up over every position: {string.Join(", ", aware)}");
    }
}
