using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Graph.Rewrites;

namespace ModelBuild.Core.Tests.Graph.Rewrites;

/// <summary>
/// A per-channel MUL and ADD by constants (a BatchNormalization as read) fold into the CONV_2D, DEPTHWISE_CONV_2D or
/// FULLY_CONNECTED before them, values worked out by hand; and the cases that must not fold.
/// </summary>
[TestClass]
public sealed class BatchNormFoldingTests
{
    private static Tensor Const(string name, int[] shape, params float[] data) => new(name, shape, DataType.Float32, data);

    /// <summary>x [1,1,1,2] → 1x1 CONV_2D (w [[1,2],[3,4]], bias (1,-1) or none) → MUL (2,10) → ADD (0.5,0.25) → "bn".</summary>
    private static ModelGraph ConvMulAdd(bool withBias = true, FusedActivation activation = FusedActivation.None, bool convAlsoAnOutput = false)
    {
        var x = new Tensor("x", [1, 1, 1, 2]);
        var conv = new Tensor("conv", [1, 1, 1, 2]);
        var mul = new Tensor("mul", [1, 1, 1, 2]);
        var bn = new Tensor("bn", [1, 1, 1, 2]);
        var convInputs = new List<Tensor?> { x, Const("w", [2, 1, 1, 2], 1, 2, 3, 4) };
        if (withBias) convInputs.Add(Const("b", [2], 1, -1));
        return new ModelGraph("g", [x], convAlsoAnOutput ? [bn, conv] : [bn],
        [
            new Node("conv", OpType.Conv2D, convInputs, [conv], new Conv2DOptions(Padding.Valid, 1, 1, 1, 1, activation)),
            new Node("mul", OpType.Mul, [conv, Const("scale", [2], 2, 10)], [mul], new ElementwiseOptions()),
            new Node("bn", OpType.Add, [mul, Const("shift", [2], 0.5f, 0.25f)], [bn], new ElementwiseOptions()),
        ]);
    }

    [TestMethod]
    public void Mul_and_add_fold_into_the_conv_weights_and_bias()
    {
        var g = ConvMulAdd();
        BatchNormFolding.Apply(g);
        var conv = g.Nodes.Single();
        // Weights scaled per output channel: (1,2)·2, (3,4)·10; bias (1·2 + 0.5, -1·10 + 0.25).
        CollectionAssert.AreEqual(new float[] { 2, 4, 30, 40 }, conv.Inputs[1]!.FloatData);
        CollectionAssert.AreEqual(new float[] { 2.5f, -9.75f }, conv.Inputs[2]!.FloatData);
    }

    [TestMethod]
    public void The_folded_conv_produces_the_batch_norms_tensor()
    {
        var g = ConvMulAdd();
        var bn = g.Outputs[0];
        BatchNormFolding.Apply(g);
        Assert.AreSame(bn, g.Nodes.Single().Outputs[0]);
    }

    [TestMethod]
    public void The_folded_graph_computes_what_the_unfolded_one_did()
    {
        var x = new float[] { 0.5f, -2 };
        var before = new FloatExecutor(ConvMulAdd()).Run(x);
        var g = ConvMulAdd();
        BatchNormFolding.Apply(g);
        CollectionAssert.AreEqual(before, new FloatExecutor(g).Run(x));
        // Hand-checked: conv (0.5·1 - 2·2 + 1, 0.5·3 - 2·4 - 1) = (-2.5, -7.5); ·(2, 10) + (0.5, 0.25) = (-4.5, -74.75).
        CollectionAssert.AreEqual(new float[] { -4.5f, -74.75f }, before);
    }

    [TestMethod]
    public void An_add_into_a_conv_without_bias_appends_a_bias()
    {
        var g = ConvMulAdd(withBias: false);
        BatchNormFolding.Apply(g);
        var conv = g.Nodes.Single();
        Assert.HasCount(3, conv.Inputs);
        Assert.AreEqual("conv/bias", conv.Inputs[2]!.Name);
        CollectionAssert.AreEqual(new float[] { 0.5f, 0.25f }, conv.Inputs[2]!.FloatData);
    }

    [TestMethod]
    public void A_conv_with_a_fused_activation_does_not_fold()
    {
        var g = ConvMulAdd(activation: FusedActivation.Relu);
        BatchNormFolding.Apply(g);
        Assert.AreEqual("Conv2D Mul Add", string.Join(" ", g.Nodes.Select(n => n.Op)));
    }

    [TestMethod]
    public void A_conv_whose_output_is_also_a_model_output_does_not_fold()
    {
        var g = ConvMulAdd(convAlsoAnOutput: true);
        BatchNormFolding.Apply(g);
        Assert.AreEqual("Conv2D Mul Add", string.Join(" ", g.Nodes.Select(n => n.Op)));
    }

    [TestMethod]
    public void A_depthwise_multiplies_each_weight_by_the_scale_of_its_channel()
    {
        // Depthwise weights [1, kh, kw, C]: the channel is the innermost index.
        var x = new Tensor("x", [1, 1, 2, 2]);
        var dw = new Tensor("dw", [1, 1, 2, 2]);
        var y = new Tensor("y", [1, 1, 2, 2]);
        var g = new ModelGraph("g", [x], [y],
        [
            new Node("dw", OpType.DepthwiseConv2D, [x, Const("w", [1, 1, 2, 2], 1, 2, 3, 4), null], [dw], new DepthwiseConv2DOptions(Padding.Same, 1, 1, 1)),
            new Node("y", OpType.Mul, [dw, Const("scale", [2], 10, 100)], [y], new ElementwiseOptions()),
        ]);
        BatchNormFolding.Apply(g);
        var node = g.Nodes.Single();
        CollectionAssert.AreEqual(new float[] { 10, 200, 30, 400 }, node.Inputs[1]!.FloatData);
        Assert.IsNull(node.OptionalInput(2), "a scale alone adds no bias");
    }

    [TestMethod]
    public void A_scalar_constant_applies_to_every_output_of_a_fully_connected()
    {
        var x = new Tensor("x", [1, 2]);
        var fc = new Tensor("fc", [1, 3]);
        var y = new Tensor("y", [1, 3]);
        var g = new ModelGraph("g", [x], [y],
        [
            new Node("fc", OpType.FullyConnected, [x, Const("w", [3, 2], 1, 2, 3, 4, 5, 6), Const("b", [3], 1, 2, 3)], [fc], new FullyConnectedOptions()),
            new Node("y", OpType.Mul, [fc, Const("half", [1], 0.5f)], [y], new ElementwiseOptions()),
        ]);
        BatchNormFolding.Apply(g);
        var node = g.Nodes.Single();
        CollectionAssert.AreEqual(new float[] { 0.5f, 1, 1.5f, 2, 2.5f, 3 }, node.Inputs[1]!.FloatData);
        CollectionAssert.AreEqual(new float[] { 0.5f, 1, 1.5f }, node.Inputs[2]!.FloatData);
    }
}
