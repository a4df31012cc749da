using ModelBuild.Core.Graph;
using ModelBuild.Core.Graph.Rewrites;

namespace ModelBuild.Core.Tests.Graph;

[TestClass]
public sealed class BatchNormFoldingTests
{
    /// <summary>x → conv (2 output channels, 1×1 over 2 inputs) → MUL by [2, 3] for each conv in <paramref name="weights"/>.</summary>
    private static ModelGraph ConvsThenScale(params Tensor[] weights)
    {
        var x = new Tensor("x", [1, 2, 2, 2]);
        var nodes = new List<Node>();
        var outputs = new List<Tensor>();
        for (int i = 0; i < weights.Length; i++)
        {
            var conv = new Tensor($"conv{i}", [1, 2, 2, 2]);
            var scaled = new Tensor($"bn{i}", [1, 2, 2, 2]);
            nodes.Add(new Node($"conv{i}", OpType.Conv2D, [x, weights[i], null], [conv], new Conv2DOptions(Padding.Same, 1, 1)));
            nodes.Add(new Node($"bn{i}/mul", OpType.Mul, [conv, new Tensor($"bn{i}/scale", [2], DataType.Float32, new[] { 2f, 3f })], [scaled]));
            outputs.Add(scaled);
        }

        return new ModelGraph("g", [x], outputs, nodes);
    }

    private static Tensor Weights(string name) => new(name, [2, 1, 1, 2], DataType.Float32, new[] { 1f, 2f, 3f, 4f });

    private static float[] FoldedWeights(ModelGraph g, int conv) => g.Nodes.Single(n => n.Name == $"conv{conv}").Inputs[1]!.FloatData;

    [TestMethod]
    public void A_scale_multiplies_each_output_channel_of_the_weights()
    {
        var g = ConvsThenScale(Weights("w"));
        BatchNormFolding.Apply(g);
        CollectionAssert.AreEqual(new[] { 2f, 4f, 9f, 12f }, FoldedWeights(g, 0));
        Assert.IsFalse(g.Nodes.Any(n => n.Op == OpType.Mul));
    }

    [TestMethod]
    public void Without_ownership_the_original_weight_array_is_left_as_it_was()
    {
        var w = Weights("w");
        var original = w.FloatData;
        BatchNormFolding.Apply(ConvsThenScale(w));
        CollectionAssert.AreEqual(new[] { 1f, 2f, 3f, 4f }, original);
    }

    [TestMethod]
    public void A_graph_that_owns_its_constants_is_scaled_in_place_with_the_same_values()
    {
        var w = Weights("w");
        var g = ConvsThenScale(w);
        BatchNormFolding.Apply(g, ownsConstants: true);
        Assert.AreSame(w.FloatData, FoldedWeights(g, 0), "no second copy of the kernel");
        CollectionAssert.AreEqual(new[] { 2f, 4f, 9f, 12f }, FoldedWeights(g, 0));
    }

    [TestMethod]
    public void A_weight_array_two_nodes_read_is_copied_even_when_owned()
    {
        var shared = Weights("w");
        var g = ConvsThenScale(shared, new Tensor("w-again", [2, 1, 1, 2], DataType.Float32, shared.Data));
        // conv1 (the same kernel array) is not followed by a scale: its weights must stay as read.
        g.Nodes.RemoveAll(n => n.Name == "bn1/mul");
        g.Outputs[1] = g.Nodes.Single(n => n.Name == "conv1").Outputs[0];
        BatchNormFolding.Apply(g, ownsConstants: true);
        CollectionAssert.AreEqual(new[] { 2f, 4f, 9f, 12f }, FoldedWeights(g, 0));
        CollectionAssert.AreEqual(new[] { 1f, 2f, 3f, 4f }, FoldedWeights(g, 1), "the other reader of the array keeps the unscaled weights");
    }
}
