using ModelBuild.Core.Graph;
using ModelBuild.Core.Quantization.Equalization;

namespace ModelBuild.Core.Tests.Quantization.Equalization;

[TestClass]
public sealed class InputMeansTests
{
    /// <summary>x (1×3) → ReLU → r → FULLY_CONNECTED(2 units): r is the one input bias correction needs.</summary>
    private static (ModelGraph Graph, Tensor X, Tensor R) Graph()
    {
        var x = new Tensor("x", [1, 3]);
        var r = new Tensor("r", [1, 3]);
        var y = new Tensor("y", [1, 2]);
        var w = new Tensor("w", [2, 3], DataType.Float32, new float[6]);
        var graph = new ModelGraph("g", [x], [y],
        [
            new Node("relu", OpType.Relu, [x], [r]),
            new Node("dense", OpType.FullyConnected, [r, w], [y], new FullyConnectedOptions()),
        ]);
        return (graph, x, r);
    }

    [TestMethod]
    public void The_mean_of_each_element_is_over_every_sample_of_every_batch()
    {
        var (graph, _, r) = Graph();
        var means = new InputMeans(graph);

        means.Observe(r, [1f, 2f, 3f, 3f, 4f, 5f], batch: 2);
        means.Observe(r, [5f, 0f, 1f], batch: 1);

        CollectionAssert.AreEqual(new[] { 3f, 2f, 3f }, means.Of(r));
    }

    [TestMethod]
    public void A_tensor_no_weighted_op_reads_is_not_kept()
    {
        var (graph, x, _) = Graph();
        var means = new InputMeans(graph);

        means.Observe(x, [1f, 2f, 3f], batch: 1);

        Assert.IsNull(means.Of(x));
    }

    [TestMethod]
    public void Values_of_the_wrong_length_are_ignored()
    {
        var (graph, _, r) = Graph();
        var means = new InputMeans(graph);

        means.Observe(r, [1f, 2f], batch: 1);

        Assert.IsNull(means.Of(r), "nothing observed");
    }
}
