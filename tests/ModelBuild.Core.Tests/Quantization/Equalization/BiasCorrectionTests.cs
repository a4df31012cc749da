using ModelBuild.Core.Graph;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.Quantization.Equalization;

namespace ModelBuild.Core.Tests.Quantization.Equalization;

/// <summary>The corrected bias against a naive reference: bias − Σ (rounded weight − weight) · mean input of its tap.</summary>
[TestClass]
public sealed class BiasCorrectionTests
{
    private static readonly float[] Weights = [0.3f, -1.27f, 0.011f, 0.5f, 0.263f, -0.0737f]; // 2 units × 3 inputs
    private static readonly float[] Mean = [2f, -1f, 4f];

    /// <summary>
    /// x → ReLU → r → FULLY_CONNECTED(2 units), or with <paramref name="conv"/> a 1×1 CONV_2D with 2 filters on a 1×1×3
    /// input (the same weights, laid out [2, 1, 1, 3]); with <paramref name="fromInput"/> the weighted op reads x itself.
    /// </summary>
    private static (ModelGraph Graph, InputMeans Means) Weighted(bool conv = false, bool withBias = true, bool fromInput = false)
    {
        int[] shape = conv ? [1, 1, 1, 3] : [1, 3];
        var x = new Tensor("x", shape);
        var r = new Tensor("r", shape);
        var y = new Tensor("y", conv ? [1, 1, 1, 2] : [1, 2]);
        var w = new Tensor("w", conv ? [2, 1, 1, 3] : [2, 3], DataType.Float32, (float[])Weights.Clone());
        List<Tensor?> inputs = [fromInput ? x : r, w];
        if (withBias) inputs.Add(new Tensor("b", [2], DataType.Float32, new[] { 0.5f, -0.5f }));
        var op = conv
            ? new Node("op", OpType.Conv2D, inputs, [y], new Conv2DOptions(Padding.Valid, 1, 1))
            : new Node("op", OpType.FullyConnected, inputs, [y], new FullyConnectedOptions());
        var graph = new ModelGraph("g", [x], [y], [new Node("relu", OpType.Relu, [x], [r]), op]);
        var means = new InputMeans(graph);
        means.Observe(fromInput ? x : r, Mean, batch: 1);
        return (graph, means);
    }

    /// <summary>Σ over a row of (round(w / s) · s − w) · mean, s = largest |w| of the row (or of all rows) / 127.</summary>
    private static double[] Shift(float[] w, int rows, float[] mean, bool perChannel)
    {
        int per = w.Length / rows;
        var shift = new double[rows];
        for (int o = 0; o < rows; o++)
        {
            var slice = perChannel ? w.Skip(o * per).Take(per) : w;
            double s = slice.Max(v => Math.Abs(v)) / 127.0;
            for (int i = 0; i < per; i++)
            {
                double v = w[o * per + i];
                shift[o] += (Math.Round(v / s, MidpointRounding.AwayFromZero) * s - v) * mean[i];
            }
        }

        return shift;
    }

    [TestMethod]
    public void Each_dense_unit_loses_the_mean_error_its_rounded_weights_add()
    {
        var (graph, means) = Weighted();
        var shift = Shift(Weights, 2, Mean, perChannel: false); // TFLite's FULLY_CONNECTED weights have one scale

        var bias = BiasCorrection.Apply(graph, means, new QuantizationOptions()).Nodes[1].Inputs[2]!.FloatData;

        Assert.AreEqual(0.5 - shift[0], bias[0], 1e-6);
        Assert.AreEqual(-0.5 - shift[1], bias[1], 1e-6);
        Assert.AreNotEqual(0.0, shift[1], "a correction that can be seen");
    }

    [TestMethod]
    public void A_convolution_rounds_each_filter_with_its_own_scale()
    {
        var (graph, means) = Weighted(conv: true);
        var shift = Shift(Weights, 2, Mean, perChannel: true);

        var bias = BiasCorrection.Apply(graph, means, new QuantizationOptions()).Nodes[1].Inputs[2]!.FloatData;

        Assert.AreEqual(0.5 - shift[0], bias[0], 1e-6);
        Assert.AreEqual(-0.5 - shift[1], bias[1], 1e-6);
        Assert.AreNotEqual(Shift(Weights, 2, Mean, perChannel: false)[1], shift[1], "per channel differs from per tensor here");
    }

    [TestMethod]
    public void A_per_tensor_convolution_rounds_every_filter_with_one_scale()
    {
        var (graph, means) = Weighted(conv: true);
        var shift = Shift(Weights, 2, Mean, perChannel: false);

        var bias = BiasCorrection.Apply(graph, means, new QuantizationOptions { PerChannel = false }).Nodes[1].Inputs[2]!.FloatData;

        Assert.AreEqual(0.5 - shift[0], bias[0], 1e-6);
        Assert.AreEqual(-0.5 - shift[1], bias[1], 1e-6);
    }

    [TestMethod]
    public void An_op_without_a_bias_gets_one_named_after_it()
    {
        var (graph, means) = Weighted(withBias: false);
        var shift = Shift(Weights, 2, Mean, perChannel: false);

        var bias = BiasCorrection.Apply(graph, means, new QuantizationOptions()).Nodes[1].Inputs[2]!;

        Assert.AreEqual("op/bias", bias.Name);
        Assert.AreEqual(-shift[0], bias.FloatData[0], 1e-6);
        Assert.AreEqual(-shift[1], bias.FloatData[1], 1e-6);
    }

    [TestMethod]
    public void An_op_reading_the_model_input_is_left_alone()
    {
        var (graph, means) = Weighted(fromInput: true);

        var corrected = BiasCorrection.Apply(graph, means, new QuantizationOptions());

        Assert.AreSame(graph.Nodes[1].Inputs[2], corrected.Nodes[1].Inputs[2]);
    }

    [TestMethod]
    public void The_original_graph_keeps_its_bias()
    {
        var (graph, means) = Weighted();

        BiasCorrection.Apply(graph, means, new QuantizationOptions());

        CollectionAssert.AreEqual(new[] { 0.5f, -0.5f }, graph.Nodes[1].Inputs[2]!.FloatData);
    }

    [TestMethod]
    public void A_same_padded_convolution_counts_the_padding_as_zeros_in_each_taps_mean()
    {
        // r (1×2×2×1) → CONV_2D 3×3 "same", one filter: each tap's mean input is averaged over the 4 output
        // positions, with 0 where the tap reads the padding.
        var x = new Tensor("x", [1, 2, 2, 1]);
        var r = new Tensor("r", [1, 2, 2, 1]);
        var y = new Tensor("y", [1, 2, 2, 1]);
        float[] kernel = [0.9f, -0.33f, 0.12f, 0.5f, -1.1f, 0.07f, 0.21f, 0.64f, -0.49f];
        var w = new Tensor("w", [1, 3, 3, 1], DataType.Float32, (float[])kernel.Clone());
        var graph = new ModelGraph("g", [x], [y],
        [
            new Node("relu", OpType.Relu, [x], [r]),
            new Node("conv", OpType.Conv2D, [r, w], [y], new Conv2DOptions(Padding.Same, 1, 1)),
        ]);
        float[] mean = [1f, 2f, 3f, 4f];
        var means = new InputMeans(graph);
        means.Observe(r, mean, batch: 1);
        var taps = new float[9];
        for (int ky = 0; ky < 3; ky++)
            for (int kx = 0; kx < 3; kx++)
                for (int oy = 0; oy < 2; oy++)
                    for (int ox = 0; ox < 2; ox++)
                    {
                        int iy = oy - 1 + ky, ix = ox - 1 + kx;
                        if (iy is >= 0 and < 2 && ix is >= 0 and < 2) taps[ky * 3 + kx] += mean[iy * 2 + ix] / 4f;
                    }

        var bias = BiasCorrection.Apply(graph, means, new QuantizationOptions()).Nodes[1].Inputs[2]!.FloatData;

        Assert.AreEqual(-Shift(kernel, 1, taps, perChannel: true)[0], bias[0], 1e-6);
    }
}
