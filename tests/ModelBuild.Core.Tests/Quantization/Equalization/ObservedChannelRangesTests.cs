using ModelBuild.Core.Graph;
using ModelBuild.Core.Quantization.Equalization;

namespace ModelBuild.Core.Tests.Quantization.Equalization;

/// <summary>Per-channel smallest and largest values of the equalizable ops' outputs over calibration samples, on a graph whose values are worked out by hand.</summary>
[TestClass]
public sealed class ObservedChannelRangesTests
{
    /// <summary>x [1,1,1,1] → 1×1 conv with weights (2, -1), bias (0, 1) → "y" [1,1,1,2] → RELU → "z".</summary>
    private static ModelGraph ConvThenRelu()
    {
        var x = new Tensor("x", [1, 1, 1, 1]);
        var y = new Tensor("y", [1, 1, 1, 2]);
        var z = new Tensor("z", [1, 1, 1, 2]);
        var w = new Tensor("w", [2, 1, 1, 1], DataType.Float32, new[] { 2f, -1f });
        var b = new Tensor("b", [2], DataType.Float32, new[] { 0f, 1f });
        return new ModelGraph("g", [x], [z],
        [
            new Node("conv", OpType.Conv2D, [x, w, b], [y], new Conv2DOptions(Padding.Valid, 1, 1)),
            new Node("relu", OpType.Relu, [y], [z]),
        ]);
    }

    [TestMethod]
    public void Measure_keeps_each_channels_extremes_over_every_sample()
    {
        var g = ConvThenRelu();
        // Five samples: one batch of four, then the last one alone.
        var ranges = ObservedChannelRanges.Measure(g, [[1f], [-3f], [0.5f], [2f], [4f]]);

        var y = ranges.Of(g.FindTensor("y"))!;
        CollectionAssert.AreEqual(new[] { -6f, -3f }, y.Lo, "2·(-3); 1 - 4");
        CollectionAssert.AreEqual(new[] { 8f, 4f }, y.Hi, "2·4 (the fifth sample); 1 + 3");
    }

    [TestMethod]
    public void Only_the_outputs_of_equalizable_ops_are_kept()
    {
        var g = ConvThenRelu();
        var ranges = ObservedChannelRanges.Measure(g, [[1f]]);

        Assert.IsNull(ranges.Of(g.FindTensor("z")), "a RELU's output is not kept");
        Assert.IsNotNull(ranges.Of(g.FindTensor("y")));
    }

    [TestMethod]
    public void A_tensor_not_yet_observed_has_no_range()
    {
        var g = ConvThenRelu();
        Assert.IsNull(new ObservedChannelRanges(g).Of(g.FindTensor("y")));
    }

    [TestMethod]
    public void Values_of_another_width_than_the_channels_are_ignored()
    {
        var g = ConvThenRelu();
        var ranges = new ObservedChannelRanges(g);
        ranges.Observe(g.FindTensor("y"), [1f, 2f, 3f], batch: 1);

        Assert.IsNull(ranges.Of(g.FindTensor("y")));
    }

    [TestMethod]
    public void A_rescaled_channel_has_its_range_divided_too()
    {
        var g = ConvThenRelu();
        var ranges = ObservedChannelRanges.Measure(g, [[1f], [-3f]]);
        ranges.Rescaled(g.FindTensor("y"), [2f, 0.5f]);

        var y = ranges.Of(g.FindTensor("y"))!;
        CollectionAssert.AreEqual(new[] { -3f, 0f }, y.Lo);
        CollectionAssert.AreEqual(new[] { 1f, 8f }, y.Hi);
    }
}
