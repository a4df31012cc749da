using ModelBuild.Core.Graph;
using ModelBuild.Core.Graph.Rewrites;

namespace ModelBuild.Core.Tests.Graph.Rewrites;

/// <summary>A RESHAPE to the shape it reads is dropped and its readers read its input.</summary>
[TestClass]
public sealed class IdentityRemovalTests
{
    private static ModelGraph ReluReshapeRelu(int[] reshapeTo)
    {
        var x = new Tensor("x", [1, 2, 3]);
        var a = new Tensor("a", [1, 2, 3]);
        var r = new Tensor("r", reshapeTo);
        var y = new Tensor("y", reshapeTo);
        return new ModelGraph("g", [x], [y],
        [
            new Node("a", OpType.Relu, [x], [a]),
            new Node("r", OpType.Reshape, [a], [r], new ReshapeOptions(reshapeTo)),
            new Node("y", OpType.Relu, [r], [y]),
        ]);
    }

    [TestMethod]
    public void A_reshape_to_the_same_shape_is_removed_and_its_reader_reads_its_input()
    {
        var g = ReluReshapeRelu([1, 2, 3]);
        var a = g.Nodes[0].Outputs[0];
        IdentityRemoval.Apply(g);
        Assert.AreEqual("Relu Relu", string.Join(" ", g.Nodes.Select(n => n.Op)));
        Assert.AreSame(a, g.Nodes[1].Inputs[0]);
    }

    [TestMethod]
    public void A_reshape_to_another_shape_stays()
    {
        var g = ReluReshapeRelu([1, 6]);
        IdentityRemoval.Apply(g);
        Assert.AreEqual("Relu Reshape Relu", string.Join(" ", g.Nodes.Select(n => n.Op)));
    }

    [TestMethod]
    public void A_same_shape_reshape_at_the_end_makes_the_model_output_its_input()
    {
        var x = new Tensor("x", [1, 4]);
        var a = new Tensor("a", [1, 4]);
        var y = new Tensor("y", [1, 4]);
        var g = new ModelGraph("g", [x], [y],
            [new Node("a", OpType.Relu, [x], [a]), new Node("y", OpType.Reshape, [a], [y], new ReshapeOptions([1, 4]))]);
        IdentityRemoval.Apply(g);
        Assert.HasCount(1, g.Nodes);
        Assert.AreSame(a, g.Outputs[0]);
    }

    [TestMethod]
    public void A_same_shape_reshape_from_the_model_input_to_the_model_output_stays()
    {
        var x = new Tensor("x", [1, 4]);
        var y = new Tensor("y", [1, 4]);
        var g = new ModelGraph("g", [x], [y], [new Node("y", OpType.Reshape, [x], [y], new ReshapeOptions([1, 4]))]);
        IdentityRemoval.Apply(g);
        Assert.HasCount(1, g.Nodes, "a model must keep at least the op between its input and output");
    }
}
