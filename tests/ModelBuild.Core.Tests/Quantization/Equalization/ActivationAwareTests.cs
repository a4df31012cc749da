using ModelBuild.Core.Graph;
using ModelBuild.Core.Quantization.Equalization;

namespace ModelBuild.Core.Tests.Quantization.Equalization;

[TestClass]
public sealed class ActivationAwareTests
{
    /// <summary>x → conv (fused <paramref name="fused"/>) → each of <paramref name="consumers"/> (unary ops).</summary>
    private static (ModelGraph Graph, Node Conv) Conv(FusedActivation fused, params OpType[] consumers)
    {
        var x = new Tensor("x", [1, 2, 2, 1]);
        var y = new Tensor("y", [1, 2, 2, 1]);
        var w = new Tensor("w", [1, 1, 1, 1], DataType.Float32, new[] { 1f });
        var conv = new Node("conv", OpType.Conv2D, [x, w], [y], new Conv2DOptions(Padding.Valid, 1, 1, Activation: fused));
        var after = consumers.Select((op, i) => new Node($"after{i}", op, [y], [new Tensor($"z{i}", [1, 2, 2, 1])])).ToList();
        return (new ModelGraph("g", [x], after.Count == 0 ? [y] : after.Select(n => n.Outputs[0]).ToList(), [conv, .. after]), conv);
    }

    [TestMethod]
    public void A_fused_relu6_has_the_range_zero_to_six()
    {
        var (graph, conv) = Conv(FusedActivation.Relu6);
        Assert.AreEqual((0f, 6f), ActivationAware.LinearRange(graph, conv));
    }

    [TestMethod]
    public void A_relu_that_is_the_only_consumer_has_the_range_zero_to_infinity()
    {
        var (graph, conv) = Conv(FusedActivation.None, OpType.Relu);
        Assert.AreEqual((0f, float.PositiveInfinity), ActivationAware.LinearRange(graph, conv));
    }

    [TestMethod]
    public void A_relu_beside_another_consumer_gives_no_range()
    {
        var (graph, conv) = Conv(FusedActivation.None, OpType.Relu, OpType.Relu6);
        Assert.IsNull(ActivationAware.LinearRange(graph, conv));
    }

    [TestMethod]
    public void Another_fused_activation_gives_no_range()
    {
        var (graph, conv) = Conv(FusedActivation.ReluN1To1, OpType.Relu);
        Assert.IsNull(ActivationAware.LinearRange(graph, conv));
    }
}
