using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Quantization.Equalization;

namespace ModelBuild.Core.Tests.Quantization.Equalization;

/// <summary>A ReLU6 rewritten as ReLU + per-channel clip levels: the same function, and levels that scale with their channel.</summary>
[TestClass]
public sealed class ChannelClipTests
{
    [TestMethod]
    public void Rewritten_relu6_and_rescaled_levels_keep_the_function_for_inputs_that_clip()
    {
        // conv(1×1, 2 channels, ReLU6) → conv(1×1): channel 0 (10·x) clips for x > 0.6. Dividing it by 4 (weights, bias,
        // level) and multiplying the next layer's weight by 4 is exact only because the level moved to 1.5.
        var original = EqualizationTestGraphs.ConvRelu6ThenConv([10f, 0.5f], [0.2f, 0f], [1f, 2f]);
        var before = new FloatExecutor(original);
        var expected = new[] { -3f, 0.1f, 0.5f, 1f, 20f }.Select(v => before.Run([v])[0]).ToArray();

        var rewritten = EqualizationTestGraphs.ConvRelu6ThenConv([10f, 0.5f], [0.2f, 0f], [1f, 2f]);
        var clip = ChannelClip.Insert(rewritten, rewritten.Nodes[0], rewritten.Nodes[1], 2);
        Assert.AreEqual(FusedActivation.Relu, rewritten.Nodes[0].OptionsAs<Conv2DOptions>().Activation);
        CollectionAssert.AreEqual(new[] { "first", "first/clip", "second" }, rewritten.Nodes.Select(n => n.Name).ToArray());
        var s = new[] { 4f, 1f };
        rewritten.Nodes[0].Inputs[1] = new Tensor("w1", [2, 1, 1, 1], DataType.Float32, new float[] { 10f / 4, 0.5f });
        rewritten.Nodes[0].Inputs[2] = new Tensor("b1", [2], DataType.Float32, new float[] { 0.2f / 4, 0f });
        rewritten.Nodes[2].Inputs[1] = new Tensor("w2", [1, 1, 1, 2], DataType.Float32, new float[] { 4f, 2f });
        ChannelClip.Rescale(clip, s);

        CollectionAssert.AreEqual(new[] { 1.5f, 6f }, clip.Inputs[1]!.FloatData);
        var after = new FloatExecutor(rewritten);
        var actual = new[] { -3f, 0.1f, 0.5f, 1f, 20f }.Select(v => after.Run([v])[0]).ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], actual[i], 1e-5f, $"input {i}");
    }

    [TestMethod]
    public void Rewriting_an_op_that_cannot_fuse_an_activation_is_refused_and_leaves_the_graph_as_it_was()
    {
        // A pool's options have an activation field, but no pass fuses one into it.
        var graph = EqualizationTestGraphs.ConvRelu6ThenConv([10f, 0.5f], [0.2f, 0f], [1f, 2f]);
        var first = graph.Nodes[0];
        first.Op = OpType.MaxPool2D;
        first.Options = new Pool2DOptions(Padding.Valid, 1, 1, 1, 1, FusedActivation.Relu6);
        var y = first.Outputs[0];

        var e = Assert.ThrowsExactly<InvalidOperationException>(() => ChannelClip.Insert(graph, first, graph.Nodes[1], 2));

        StringAssert.Contains(e.Message, "'first'");
        CollectionAssert.AreEqual(new[] { "first", "second" }, graph.Nodes.Select(n => n.Name).ToArray());
        Assert.AreSame(y, graph.Nodes[1].Inputs[0]);
        Assert.AreEqual(FusedActivation.Relu6, first.OptionsAs<Pool2DOptions>().Activation);
    }

    [TestMethod]
    public void Rewriting_pays_only_when_clipping_channels_hold_the_weight_ranges_far_wider()
    {
        // Channel 0 clips. Left as it is, the two ranges are (40, 1); with it equalized too, (√40, √40): products 40 and
        // 40, no gain. With the next layer's weights (0.01, 0.8): (40, 0.63) left as it is against (0.63, 0.63), 63×.
        Assert.IsFalse(ChannelClip.Pays([40f, 0.5f], [1f, 0.02f], c => c == 0, gain: 2));
        Assert.IsTrue(ChannelClip.Pays([40f, 0.5f], [0.01f, 0.8f], c => c == 0, gain: 2));
        Assert.IsFalse(ChannelClip.Pays([40f, 0.5f], [0.01f, 0.8f], c => false, gain: 1.01f), "nothing clips: nothing to gain");
    }
}
