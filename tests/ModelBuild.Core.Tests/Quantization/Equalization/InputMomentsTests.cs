using ModelBuild.Core.Graph;
using ModelBuild.Core.Quantization.Equalization;

namespace ModelBuild.Core.Tests.Quantization.Equalization;

[TestClass]
public sealed class InputMomentsTests
{
    /// <summary>x (1×2×2×1) → ReLU → r → op → y: r is the input whose moments are kept.</summary>
    private static (ModelGraph Graph, Tensor R) Graph(OpType op, int[] weightShape, OpOptions options)
    {
        var x = new Tensor("x", [1, 2, 2, 1]);
        var r = new Tensor("r", [1, 2, 2, 1]);
        var y = new Tensor("y", [1, 2, 2, 1]);
        var w = new Tensor("w", weightShape, DataType.Float32, new float[weightShape.Aggregate(1, (a, b) => a * b)]);
        var graph = new ModelGraph("g", [x], [y],
        [
            new Node("relu", OpType.Relu, [x], [r]),
            new Node("op", op, [r, w], [y], options),
        ]);
        return (graph, r);
    }

    [TestMethod]
    public void Convolution_patches_read_padding_as_zeros()
    {
        // 3×3 SAME convolution over a 2×2 input [1 2; 3 4]: the centre tap reads every value, the top-left tap only
        // the 1 (from the bottom-right output) and 0 elsewhere.
        var (graph, r) = Graph(OpType.Conv2D, [1, 3, 3, 1], new Conv2DOptions(Padding.Same, 1, 1));
        var moments = new InputMoments(graph);

        moments.Observe(r, [1f, 2f, 3f, 4f], batch: 1);

        var m = moments.Of("op")!;
        Assert.AreEqual(4, m.Count, "one patch per output position");
        Assert.AreEqual(2.5, m.Mean(0)[4], 1e-9, "centre tap: mean of 1..4");
        Assert.AreEqual(0.25, m.Mean(0)[0], 1e-9, "top-left tap: 1 once, padding three times");
        Assert.AreEqual(7.5, m.Second(0)[4 * 9 + 4], 1e-9, "centre tap squared: (1+4+9+16)/4");
        Assert.AreEqual(1.0, m.Second(0)[0 * 9 + 4], 1e-9, "top-left × centre: 1·4 at the one position where both read values");
    }

    [TestMethod]
    public void Depthwise_moments_are_kept_per_channel()
    {
        var x = new Tensor("x", [1, 1, 2, 2]);
        var r = new Tensor("r", [1, 1, 2, 2]);
        var y = new Tensor("y", [1, 1, 2, 2]);
        var w = new Tensor("w", [1, 1, 1, 2], DataType.Float32, new float[2]);
        var graph = new ModelGraph("g", [x], [y],
        [
            new Node("relu", OpType.Relu, [x], [r]),
            new Node("op", OpType.DepthwiseConv2D, [r, w], [y], new DepthwiseConv2DOptions(Padding.Valid, 1, 1, 1)),
        ]);
        var moments = new InputMoments(graph);

        moments.Observe(r, [1f, 10f, 3f, 30f], batch: 1);

        var m = moments.Of("op")!;
        Assert.AreEqual(2, m.Groups);
        Assert.AreEqual(2.0, m.Mean(0)[0], 1e-9, "channel 0: 1 and 3");
        Assert.AreEqual(20.0, m.Mean(1)[0], 1e-9, "channel 1: 10 and 30");
        Assert.AreEqual(500.0, m.Second(1)[0], 1e-9, "channel 1: (100 + 900) / 2");
    }

    [TestMethod]
    public void Fully_connected_moments_are_over_every_sample_of_every_batch()
    {
        var x = new Tensor("x", [1, 2]);
        var r = new Tensor("r", [1, 2]);
        var y = new Tensor("y", [1, 1]);
        var w = new Tensor("w", [1, 2], DataType.Float32, new float[2]);
        var graph = new ModelGraph("g", [x], [y],
        [
            new Node("relu", OpType.Relu, [x], [r]),
            new Node("op", OpType.FullyConnected, [r, w], [y], new FullyConnectedOptions()),
        ]);
        var moments = new InputMoments(graph);

        moments.Observe(r, [1f, 2f, 3f, 4f], batch: 2);
        moments.Observe(r, [5f, 0f], batch: 1);

        var m = moments.Of("op")!;
        Assert.AreEqual(3, m.Count);
        CollectionAssert.AreEqual(new[] { 3.0, 2.0 }, m.Mean(0));
        // E[x·xᵀ]: (1 2; 2 4) + (9 12; 12 16) + (25 0; 0 0), over 3.
        double[] expected = [35.0 / 3, 14.0 / 3, 14.0 / 3, 20.0 / 3];
        var second = m.Second(0);
        for (int i = 0; i < 4; i++) Assert.AreEqual(expected[i], second[i], 1e-9, $"E[x·xᵀ] entry {i}");
    }

    [TestMethod]
    public void Nothing_observed_gives_no_moments()
    {
        var (graph, _) = Graph(OpType.Conv2D, [1, 3, 3, 1], new Conv2DOptions(Padding.Same, 1, 1));

        Assert.IsNull(new InputMoments(graph).Of("op"));
    }
}
