using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;

namespace ModelBuild.Core.Tests.Keras;

/// <summary>The node collector of a Keras conversion: unique tensor names, the source layer stamped on every node, constants typed.</summary>
[TestClass]
public sealed class GraphEmitterTests
{
    [TestMethod]
    public void A_taken_name_gets_the_first_free_numbered_suffix()
    {
        var g = new GraphEmitter();

        Assert.AreEqual("conv", g.UniqueName("conv"));
        Assert.AreEqual("conv_1", g.UniqueName("conv"));
        Assert.AreEqual("conv_2", g.UniqueName("conv"));
        Assert.AreEqual("conv_1_1", g.UniqueName("conv_1"));
    }

    [TestMethod]
    public void Emitted_nodes_carry_the_current_layer_and_class()
    {
        var g = new GraphEmitter { Current = ("block1_relu", "ReLU") };
        var x = g.NewTensor("x", [1, 4]);

        var y = g.Emit(OpType.Relu, "block1_relu", [1, 4], [x]);

        var node = g.Nodes.Single();
        Assert.AreEqual(("block1_relu", "ReLU"), (node.SourceLayer, node.SourceClass));
        Assert.AreSame(y, node.Outputs[0]);
        Assert.AreSame(x, node.Inputs[0]);
        CollectionAssert.AreEqual(new[] { 1, 4 }, y.Shape);
    }

    [TestMethod]
    public void Emitting_under_a_taken_name_gives_the_output_a_fresh_one()
    {
        var g = new GraphEmitter();
        var x = g.NewTensor("a", [1]);

        var y = g.Emit(OpType.Relu, "a", [1], [x]);

        Assert.AreEqual("a_1", y.Name);
    }

    [TestMethod]
    public void Constants_are_float32_and_int32_with_their_data()
    {
        var g = new GraphEmitter();

        var f = g.Constant("k", [2], [1.5f, -2f]);
        var i = g.IntConstant("size", [3, 4]);
        var shaped = g.IntConstant("paddings", [2, 2], [0, 0, 1, 1]);

        Assert.AreEqual(DataType.Float32, f.Type);
        CollectionAssert.AreEqual(new[] { 1.5f, -2f }, f.FloatData);
        Assert.AreEqual(DataType.Int32, i.Type);
        CollectionAssert.AreEqual(new[] { 2 }, i.Shape);
        CollectionAssert.AreEqual(new[] { 2, 2 }, shaped.Shape);
    }
}
