using ModelBuild.Core.Execution.Float;
using ModelBuild.Core.Graph;
using static ModelBuild.Core.Tests.TestGraphs.FloatTestGraphs;

namespace ModelBuild.Core.Tests.Execution.Float;

/// <summary>Float CONV_2D with shallow filters (the direct kernel for 3-channel stems) against naive loops.</summary>
[TestClass]
public sealed class SmallDepthConv2DKernelTests
{
    [TestMethod]
    [DataRow(17, 15, 3, 32, 3, 3, 2, 2, 1, 1, Padding.Same, FusedActivation.Relu6, true, 1, DisplayName = "MobileNet stem: 3x3 s2 same, odd input")]
    [DataRow(16, 16, 3, 32, 3, 3, 2, 2, 1, 1, Padding.Same, FusedActivation.None, true, 2, DisplayName = "3x3 s2 same, even input (padding after only), batch 2")]
    [DataRow(9, 11, 3, 64, 3, 3, 1, 1, 1, 1, Padding.Same, FusedActivation.Relu, false, 1, DisplayName = "3x3 s1 same, two blocks of 32 outputs, no bias")]
    [DataRow(12, 13, 2, 32, 3, 3, 1, 1, 2, 2, Padding.Same, FusedActivation.None, true, 1, DisplayName = "3x3 dilation 2, taps past both edges")]
    [DataRow(10, 9, 1, 32, 5, 5, 1, 2, 1, 1, Padding.Valid, FusedActivation.ReluN1To1, true, 1, DisplayName = "5x5 valid, strides 1x2, one channel")]
    [DataRow(4, 3, 3, 32, 3, 3, 2, 2, 1, 1, Padding.Same, FusedActivation.None, true, 1, DisplayName = "tiny image: no pixel pair inside")]
    [DataRow(5, 19, 3, 64, 3, 3, 1, 1, 1, 1, Padding.Same, FusedActivation.Relu6, true, 2, DisplayName = "19 columns s1: two groups of 8 and edge pixels, two blocks, batch 2")]
    [DataRow(7, 45, 3, 32, 3, 3, 2, 2, 1, 1, Padding.Same, FusedActivation.Relu6, true, 1, DisplayName = "23 columns s2: two groups of 8, a quad, edge pixels")]
    [DataRow(6, 23, 3, 32, 3, 3, 1, 2, 1, 1, Padding.Valid, FusedActivation.None, true, 1, DisplayName = "11 columns s2 valid: two quads, a pair, a single")]
    public void Shallow_conv_matches_naive_loops(int h, int w, int cin, int cout, int kh, int kw, int sh, int sw, int dh, int dw, Padding padding, FusedActivation act, bool withBias, int batch)
    {
        Assert.IsTrue(SmallDepthConv2DKernel.Applies(kh, kw, cin, cout), "the case must reach the shallow kernel");
        var r = new Random(h * 100 + w * 10 + cin);
        var x = RandomNd(r, [batch, h, w, cin]);
        var wt = RandomNd(r, [cout, kh, kw, cin], 0.5f);
        var bias = withBias ? Random(r, cout, 0.5f) : null;
        var expected = FloatNaiveReference.Conv2D(x, wt, bias, sh, sw, dh, dw, padding, act);
        var g = OneOp(OpType.Conv2D, [Batch1(x.Shape)],
            [Constant("w", wt.Shape, wt.Data), bias is null ? null : Constant("b", [cout], bias)],
            Batch1(expected.Shape), new Conv2DOptions(padding, sh, sw, dh, dw, act));
        AssertClose(expected.Data, Run(g, batch, x.Data), "shallow conv");
    }

    [TestMethod]
    [DataRow(3, 3, 4, 32, DisplayName = "depth 36")]
    [DataRow(3, 3, 3, 48, DisplayName = "48 outputs (not whole blocks of 32)")]
    public void Deeper_filters_or_ragged_output_blocks_keep_the_gemm(int kh, int kw, int cin, int cout) =>
        Assert.IsFalse(SmallDepthConv2DKernel.Applies(kh, kw, cin, cout));
}
