using ModelBuild.Core.Graph;
using ModelBuild.Core.Quantization.Equalization;

namespace ModelBuild.Core.Tests.Quantization.Equalization;

[TestClass]
public sealed class DepthwiseMomentsTests
{
    [TestMethod]
    public void Depthwise_moments_match_a_double_precision_reference_for_every_channel()
    {
        // 37 channels: a whole vector block, a partial one and a scalar tail; stride 2 SAME over 23×29.
        var x = PatchMomentsReference.Random(23 * 29 * 37, seed: 5);
        var graph = PatchMomentsReference.ConvGraph(OpType.DepthwiseConv2D, [1, 23, 29, 37], [1, 3, 3, 37], 2, 2, 1, Padding.Same);
        var moments = new InputMoments(graph);

        moments.Observe(graph.Nodes[0].Outputs[0], x, batch: 1);

        var m = moments.Of("op")!;
        Assert.AreEqual(37, m.Groups);
        foreach (int c in new[] { 0, 7, 8, 31, 32, 36 })
        {
            var (mean, second, count) = PatchMomentsReference.ConvMoments(x, 1, 23, 29, 37, 3, 3, 2, 2, 1, Padding.Same, channel: c);
            Assert.AreEqual(count, m.Count);
            PatchMomentsReference.AssertClose(mean, m.Mean(c), $"channel {c} E[p]");
            PatchMomentsReference.AssertClose(second, m.Second(c), $"channel {c} E[p·pᵀ]");
        }
    }

    [TestMethod]
    public void Taps_that_read_padding_add_nothing_to_the_sums_or_products()
    {
        // 1×1 input, 3×3 SAME: only the centre tap reads a value; every other tap's mean and products stay 0.
        var graph = PatchMomentsReference.ConvGraph(OpType.DepthwiseConv2D, [1, 1, 1, 9], [1, 3, 3, 9], 1, 1, 1, Padding.Same);
        var moments = new InputMoments(graph);

        moments.Observe(graph.Nodes[0].Outputs[0], Enumerable.Range(1, 9).Select(v => (float)v).ToArray(), batch: 1);

        var m = moments.Of("op")!;
        for (int c = 0; c < 9; c++)
        {
            var mean = m.Mean(c);
            var second = m.Second(c);
            Assert.AreEqual(c + 1.0, mean[4], $"channel {c}: centre tap");
            Assert.AreEqual((c + 1.0) * (c + 1.0), second[4 * 9 + 4], $"channel {c}: centre tap squared");
            Assert.AreEqual(0.0, mean.Sum() - mean[4], $"channel {c}: padding taps");
            Assert.AreEqual(0.0, second.Sum() - second[4 * 9 + 4], $"channel {c}: products with padding taps");
        }
    }

    [TestMethod]
    public void A_position_where_the_channel_clips_weighs_kappa_in_the_moments_of_a_depthwise_layer_before_relu6()
    {
        // 1×1 depthwise, weight 1: x = 2 passes ReLU6, x = 10 clips; channel 1 (weight −1) clips at both.
        var x = new Tensor("x", [1, 2, 1, 2]);
        var y = new Tensor("y", [1, 2, 1, 2]);
        var w = new Tensor("w", [1, 1, 1, 2], DataType.Float32, new[] { 1f, -1f });
        var graph = new ModelGraph("g", [x], [y],
            [new Node("op", OpType.DepthwiseConv2D, [x, w], [y], new DepthwiseConv2DOptions(Padding.Valid, 1, 1, 1, Activation: FusedActivation.Relu6))]);
        var moments = new InputMoments(graph);

        moments.Observe(x, new[] { 2f, 2f, 10f, 10f }, batch: 1);

        var m = moments.Of("op")!;
        double kappa = ActivationAware.DepthwiseKappa;
        Assert.AreEqual((4 + kappa * 100) / 2, m.Second(0)[0], 1e-6, "E[ω·x²], channel 0");
        Assert.AreEqual((2 + kappa * 10) / (1 + kappa), m.Mean(0)[0], 1e-6, "Σ ω·x / Σ ω, channel 0");
        Assert.AreEqual((1 + kappa) / 2, m.WeightShare(0), 1e-9, "channel 0");
        Assert.AreEqual(kappa * 104 / 2, m.Second(1)[0], 1e-6, "E[ω·x²], channel 1");
        Assert.AreEqual(kappa, m.WeightShare(1), 1e-9, "channel 1");
    }
}
