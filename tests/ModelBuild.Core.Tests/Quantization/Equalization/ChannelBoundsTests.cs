using ModelBuild.Core.Graph;
using ModelBuild.Core.Quantization.Equalization;

namespace ModelBuild.Core.Tests.Quantization.Equalization;

/// <summary>Interval bounds per channel, on small graphs whose bounds are worked out by hand.</summary>
[TestClass]
public sealed class ChannelBoundsTests
{
    /// <summary>x (1×2, unbounded) → ReLU6 → FULLY_CONNECTED(weights [[1, -2], [0.5, 0.5]], bias [1, 0], <paramref name="activation"/>).</summary>
    private static (ModelGraph Graph, Tensor Relu, Tensor Dense) Dense(FusedActivation activation)
    {
        var x = new Tensor("x", [1, 2]);
        var r = new Tensor("r", [1, 2]);
        var y = new Tensor("y", [1, 2]);
        var w = new Tensor("w", [2, 2], DataType.Float32, new[] { 1f, -2f, 0.5f, 0.5f });
        var b = new Tensor("b", [2], DataType.Float32, new[] { 1f, 0f });
        var graph = new ModelGraph("g", [x], [y],
        [
            new Node("relu6", OpType.Relu6, [x], [r]),
            new Node("dense", OpType.FullyConnected, [r, w, b], [y], new FullyConnectedOptions(activation)),
        ]);
        return (graph, r, y);
    }

    [TestMethod]
    public void A_relu6_bounds_an_unbounded_input_to_zero_to_six()
    {
        var (graph, relu, _) = Dense(FusedActivation.None);

        var r = ChannelBounds.Compute(graph)[relu];

        CollectionAssert.AreEqual(new[] { 0f, 0f }, r.Lo);
        CollectionAssert.AreEqual(new[] { 6f, 6f }, r.Hi);
    }

    [TestMethod]
    public void A_dense_layer_adds_the_bias_to_each_weight_times_the_input_end_that_extends_it()
    {
        var (graph, _, dense) = Dense(FusedActivation.None);

        var y = ChannelBounds.Compute(graph)[dense];

        // Channel 0: 1 + 1·[0, 6] − 2·[0, 6] = [−11, 7]; channel 1: 0.5·[0, 6] + 0.5·[0, 6] = [0, 6].
        CollectionAssert.AreEqual(new[] { -11f, 0f }, y.Lo);
        CollectionAssert.AreEqual(new[] { 7f, 6f }, y.Hi);
    }

    [TestMethod]
    public void A_fused_relu6_clamps_the_dense_layers_bounds()
    {
        var (graph, _, dense) = Dense(FusedActivation.Relu6);

        var y = ChannelBounds.Compute(graph)[dense];

        CollectionAssert.AreEqual(new[] { 0f, 0f }, y.Lo);
        CollectionAssert.AreEqual(new[] { 6f, 6f }, y.Hi);
    }

    [TestMethod]
    public void A_dense_layer_on_an_unbounded_input_stays_unbounded()
    {
        var x = new Tensor("x", [1, 1]);
        var y = new Tensor("y", [1, 1]);
        var w = new Tensor("w", [1, 1], DataType.Float32, new[] { 2f });
        var graph = new ModelGraph("g", [x], [y], [new Node("dense", OpType.FullyConnected, [x, w], [y], new FullyConnectedOptions())]);

        var b = ChannelBounds.Compute(graph)[y];

        Assert.AreEqual((float.NegativeInfinity, float.PositiveInfinity), (b.Lo[0], b.Hi[0]));
    }

    /// <summary>Bounds of <paramref name="op"/> applied to ReLU6(x) ∈ [0, 6] and the constant [−1, 2].</summary>
    private static Interval Binary(OpType op)
    {
        var x = new Tensor("x", [1, 2]);
        var r = new Tensor("r", [1, 2]);
        var c = new Tensor("c", [2], DataType.Float32, new[] { -1f, 2f });
        var y = new Tensor("y", [1, 2]);
        var graph = new ModelGraph("g", [x], [y],
        [
            new Node("relu6", OpType.Relu6, [x], [r]),
            new Node("op", op, [r, c], [y], new ElementwiseOptions()),
        ]);
        return ChannelBounds.Compute(graph)[y];
    }

    [TestMethod]
    public void Add_adds_the_ends()
    {
        var y = Binary(OpType.Add);

        CollectionAssert.AreEqual(new[] { -1f, 2f }, y.Lo);
        CollectionAssert.AreEqual(new[] { 5f, 8f }, y.Hi);
    }

    [TestMethod]
    public void Sub_subtracts_the_opposite_ends()
    {
        var y = Binary(OpType.Sub);

        CollectionAssert.AreEqual(new[] { 1f, -2f }, y.Lo);
        CollectionAssert.AreEqual(new[] { 7f, 4f }, y.Hi);
    }

    [TestMethod]
    public void Mul_takes_the_extremes_of_the_four_end_products()
    {
        var y = Binary(OpType.Mul);

        CollectionAssert.AreEqual(new[] { -6f, 0f }, y.Lo);
        CollectionAssert.AreEqual(new[] { 0f, 12f }, y.Hi);
    }

    [TestMethod]
    public void Softmax_is_bounded_by_zero_and_one()
    {
        var x = new Tensor("x", [1, 3]);
        var y = new Tensor("y", [1, 3]);
        var graph = new ModelGraph("g", [x], [y], [new Node("softmax", OpType.Softmax, [x], [y], new SoftmaxOptions())]);

        var b = ChannelBounds.Compute(graph)[y];

        CollectionAssert.AreEqual(new[] { 0f, 0f, 0f }, b.Lo);
        CollectionAssert.AreEqual(new[] { 1f, 1f, 1f }, b.Hi);
    }

    [TestMethod]
    public void An_interval_with_another_channel_count_is_read_as_the_union_of_its_channels()
    {
        var i = new Interval([-1f, 0f], [2f, 3f]).As(3);

        CollectionAssert.AreEqual(new[] { -1f, -1f, -1f }, i.Lo);
        CollectionAssert.AreEqual(new[] { 3f, 3f, 3f }, i.Hi);
    }
}
