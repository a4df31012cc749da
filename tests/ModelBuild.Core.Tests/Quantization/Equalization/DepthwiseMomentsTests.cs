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
}
