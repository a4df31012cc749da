using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Graph.Rewrites;

namespace ModelBuild.Core.Tests.Graph.Rewrites;

/// <summary>The standard clean-up after reading a model, in its order: each rewrite opens the way for the next; and its two graph helpers.</summary>
[TestClass]
public sealed class GraphRewritesTests
{
    private static Tensor Const(string name, int[] shape, params float[] data) => new(name, shape, DataType.Float32, data);

    /// <summary>x → conv → reshape to the same shape → batch norm as MUL, ADD → RELU, listed in reverse, plus an op nobody reads (gone after the rewrites).</summary>
    private static ModelGraph ConvIdentityBatchNormRelu()
    {
        var x = new Tensor("x", [1, 2, 2, 1]);
        var conv = new Tensor("conv", [1, 2, 2, 2]);
        var same = new Tensor("same", [1, 2, 2, 2]);
        var scaled = new Tensor("bn/scale", [1, 2, 2, 2]);
        var bn = new Tensor("bn", [1, 2, 2, 2]);
        var relu = new Tensor("relu", [1, 2, 2, 2]);
        var unused = new Tensor("unused", [1, 2, 2, 1]);
        return new ModelGraph("g", [x], [relu],
        [
            new Node("relu", OpType.Relu, [bn], [relu]),
            new Node("bn", OpType.Add, [scaled, Const("bn/offset", [2], 1f, -1f)], [bn], new ElementwiseOptions()),
            new Node("bn/scale", OpType.Mul, [same, Const("bn/multiplier", [2], 2f, 0.5f)], [scaled], new ElementwiseOptions()),
            new Node("same", OpType.Reshape, [conv, new Tensor("shape", [4], DataType.Int32, new[] { 1, 2, 2, 2 })], [same], new ReshapeOptions([1, 2, 2, 2])),
            new Node("conv", OpType.Conv2D, [x, Const("w", [2, 1, 1, 1], 3f, -1f), Const("b", [2], 0.5f, 0f)], [conv], new Conv2DOptions(Padding.Valid, 1, 1)),
            new Node("dead", OpType.Relu, [x], [unused]),
        ]);
    }

    [TestMethod]
    public void Identity_removal_lets_batch_norm_fold_which_lets_the_relu_fuse()
    {
        var g = ConvIdentityBatchNormRelu();
        GraphRewrites.Apply(g);

        var conv = g.Nodes.Single();
        Assert.AreEqual(OpType.Conv2D, conv.Op);
        Assert.AreEqual(FusedActivation.Relu, ((Conv2DOptions)conv.Options!).Activation);
        Assert.AreEqual("relu", conv.Outputs[0].Name);
    }

    [TestMethod]
    public void The_rewritten_graph_computes_what_the_original_computed()
    {
        float[] x = [1f, -2f, 0.25f, 3f];
        var original = ConvIdentityBatchNormRelu();
        original.SortTopologically();
        var expected = new FloatExecutor(original).Run(x);
        var g = ConvIdentityBatchNormRelu();
        GraphRewrites.Apply(g);

        CollectionAssert.AreEqual(expected, new FloatExecutor(g).Run(x));
        Assert.IsGreaterThan(0f, expected.Max(), "not all clipped");
    }

    [TestMethod]
    public void Redirect_moves_every_reader_of_a_tensor()
    {
        var g = ConvIdentityBatchNormRelu();
        var scaled = g.FindTensor("bn/scale");
        GraphRewrites.Redirect(g, g.FindTensor("bn"), scaled);

        Assert.AreSame(scaled, g.Nodes.Single(n => n.Name == "relu").Inputs[0]);
    }

    [TestMethod]
    public void Redirect_moves_the_model_output()
    {
        var g = ConvIdentityBatchNormRelu();
        var bn = g.FindTensor("bn");
        GraphRewrites.Redirect(g, g.FindTensor("relu"), bn);

        Assert.AreSame(bn, g.Outputs[0]);
    }

    [TestMethod]
    public void A_single_internal_consumer_is_neither_shared_nor_a_model_output()
    {
        var g = ConvIdentityBatchNormRelu();
        var consumers = g.Nodes.SelectMany(n => n.Inputs.OfType<Tensor>().Select(t => (t, n))).GroupBy(p => p.t).ToDictionary(p => p.Key, p => p.Select(q => q.n).ToList());

        Assert.IsTrue(GraphRewrites.HasSingleInternalConsumer(g, g.FindTensor("conv"), consumers), "read by the reshape alone");
        Assert.IsFalse(GraphRewrites.HasSingleInternalConsumer(g, g.Inputs[0], consumers), "x is read by the conv and the dead relu");
        Assert.IsFalse(GraphRewrites.HasSingleInternalConsumer(g, g.FindTensor("relu"), consumers), "a model output");
    }
}
