using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Graph.Rewrites;

namespace ModelBuild.Core.Tests.Graph.Rewrites;

/// <summary>
/// A per-channel MUL and ADD by constants (a BatchNormalization as read) fold into the CONV_2D, DEPTHWISE_CONV_2D or
/// FULLY_CONNECTED before them, values worked out by hand; the cases that must not fold; in place only where allowed.
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

    // Folding in place when the graph owns its constants (the reader's fresh arrays), never into a shared array.
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
