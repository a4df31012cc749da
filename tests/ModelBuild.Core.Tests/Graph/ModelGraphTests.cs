using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Tests.Graph;

[TestClass]
public sealed class ModelGraphTests
{
    [TestMethod]
    public void SortTopologically_puts_producers_before_consumers()
    {
        var x = new Tensor("x", [1, 4]);
        var a = new Tensor("a", [1, 4]);
        var b = new Tensor("b", [1, 4]);
        var nb = new Node("nb", OpType.Relu, [a], [b]);
        var na = new Node("na", OpType.Relu, [x], [a]);
        var g = new ModelGraph("m", [x], [b], [nb, na]);

        g.SortTopologically();

        CollectionAssert.AreEqual(new[] { "na", "nb" }, g.Nodes.Select(n => n.Name).ToArray());
    }

    [TestMethod]
    public void RemoveDeadNodes_drops_branches_that_reach_no_output()
    {
        var x = new Tensor("x", [1, 4]);
        var y = new Tensor("y", [1, 4]);
        var dead = new Tensor("dead", [1, 4]);
        var g = new ModelGraph("m", [x], [y], [new Node("live", OpType.Relu, [x], [y]), new Node("dead", OpType.Tanh, [x], [dead])]);

        g.RemoveDeadNodes();

        Assert.AreEqual(1, g.Nodes.Count);
        Assert.AreEqual("live", g.Nodes[0].Name);
    }
}
