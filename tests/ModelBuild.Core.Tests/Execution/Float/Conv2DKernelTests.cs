using ModelBuild.Core.Execution.Float;
using ModelBuild.Core.Graph;
using static ModelBuild.Core.Tests.TestGraphs.FloatTestGraphs;

namespace ModelBuild.Core.Tests.Execution.Float;

/// <summary>Float CONV_2D (im2col + packed GEMM, or Winograd where it applies) against naive loops.</summary>
[TestClass]
public sealed class Conv2DKernelTests
{
    [TestMethod]
    [DataRow(7, 5, 3, 5, 3, 3, 1, 1, 1, 1, Padding.Same, FusedActivation.None, true, 1, DisplayName = "3x3 same s1, odd sizes")]
    [DataRow(8, 8, 4, 6, 3, 3, 2, 2, 1, 1, Padding.Same, FusedActivation.Relu, true, 1, DisplayName = "3x3 same s2, even input")]
    [DataRow(7, 9, 4, 6, 3, 3, 2, 2, 1, 1, Padding.Same, FusedActivation.None, true, 1, DisplayName = "3x3 same s2, odd input")]
    [DataRow(10, 10, 3, 8, 2, 2, 2, 2, 1, 1, Padding.Same, FusedActivation.None, true, 1, DisplayName = "2x2 same s2, even input (no padding)")]
    [DataRow(9, 9, 3, 8, 4, 4, 2, 2, 1, 1, Padding.Same, FusedActivation.None, true, 1, DisplayName = "4x4 same s2, odd input (odd total padding)")]
    [DataRow(11, 10, 3, 4, 3, 3, 2, 2, 1, 1, Padding.Valid, FusedActivation.None, true, 1, DisplayName = "3x3 valid s2")]
    [DataRow(12, 11, 4, 6, 3, 3, 1, 1, 2, 2, Padding.Same, FusedActivation.None, true, 1, DisplayName = "3x3 same dilation 2")]
    [DataRow(12, 11, 4, 6, 3, 3, 1, 1, 2, 3, Padding.Valid, FusedActivation.None, true, 1, DisplayName = "3x3 valid dilation 2x3")]
    [DataRow(13, 11, 20, 37, 1, 1, 1, 1, 1, 1, Padding.Same, FusedActivation.Relu6, true, 1, DisplayName = "1x1 s1 (GEMM path), ragged channels")]
    [DataRow(8, 9, 20, 16, 1, 1, 2, 2, 1, 1, Padding.Same, FusedActivation.None, false, 1, DisplayName = "1x1 s2, no bias")]
    [DataRow(9, 7, 5, 7, 3, 1, 2, 1, 1, 1, Padding.Same, FusedActivation.ReluN1To1, true, 1, DisplayName = "3x1 strides 2x1")]
    [DataRow(9, 7, 5, 33, 3, 3, 1, 1, 1, 1, Padding.Same, FusedActivation.Relu, true, 3, DisplayName = "3x3 batch 3, 33 channels")]
    [DataRow(6, 5, 7, 19, 1, 1, 1, 1, 1, 1, Padding.Valid, FusedActivation.None, true, 3, DisplayName = "1x1 batch 3")]
    [DataRow(15, 15, 3, 16, 7, 7, 2, 2, 1, 1, Padding.Same, FusedActivation.None, true, 2, DisplayName = "7x7 s2 stem, batch 2")]
    [DataRow(17, 15, 3, 32, 3, 3, 2, 2, 1, 1, Padding.Same, FusedActivation.Relu6, true, 1, DisplayName = "3x3 s2 stem, 3 channels (short filter rows copied by vectors)")]
    [DataRow(23, 21, 40, 35, 3, 3, 1, 1, 1, 1, Padding.Same, FusedActivation.Relu, true, 2, DisplayName = "3x3, depth 360 (two depth blocks), 966 rows (several row blocks and jobs)")]
    [DataRow(7, 7, 300, 70, 1, 1, 1, 1, 1, 1, Padding.Same, FusedActivation.None, true, 1, DisplayName = "1x1 at 7x7, depth 300, 49 rows split over panel groups")]
    [DataRow(13, 10, 600, 40, 1, 1, 1, 1, 1, 1, Padding.Same, FusedActivation.Relu6, true, 1, DisplayName = "1x1, depth 600, 130 rows: whole tiles over the whole depth, the last 4 rows in depth blocks")]
    [DataRow(9, 9, 30, 20, 3, 3, 1, 1, 2, 2, Padding.Same, FusedActivation.Relu6, true, 1, DisplayName = "3x3 dilation 2, depth 270 cut inside a filter row")]
    [DataRow(7, 7, 64, 70, 3, 3, 1, 1, 1, 1, Padding.Same, FusedActivation.Relu, true, 1, DisplayName = "3x3 at 7x7, depth 576, im2col packed once for the panel groups")]
    [DataRow(14, 14, 64, 48, 3, 3, 1, 1, 1, 1, Padding.Same, FusedActivation.Relu, true, 1, DisplayName = "3x3 s1 Winograd, 14x14 (partial tiles)")]
    [DataRow(28, 28, 16, 16, 3, 3, 1, 1, 1, 1, Padding.Same, FusedActivation.None, false, 4, DisplayName = "3x3 s1 Winograd, batch 4, whole tiles, no bias")]
    public void Conv2D_matches_naive_loops(int h, int w, int cin, int cout, int kh, int kw, int sh, int sw, int dh, int dw, Padding padding, FusedActivation act, bool withBias, int batch)
    {
        var r = new Random(h * 1000 + cout * 10 + kh);
        var x = RandomNd(r, [batch, h, w, cin]);
        var wt = RandomNd(r, [cout, kh, kw, cin], 0.5f);
        var bias = withBias ? Random(r, cout, 0.5f) : null;
        var expected = FloatNaiveReference.Conv2D(x, wt, bias, sh, sw, dh, dw, padding, act);

        var g = OneOp(OpType.Conv2D, [Batch1(x.Shape)],
            [Constant("w", wt.Shape, wt.Data), bias is null ? null : Constant("b", [cout], bias)],
            Batch1(expected.Shape), new Conv2DOptions(padding, sh, sw, dh, dw, act));

        var actual = Run(g, batch, x.Data);
        if (WinogradConv2DKernel.Applies(kh, kw, cin, cout, sh, sw, dh, dw, expected.Shape[1], expected.Shape[2]))
            WinogradConv2DKernelTests.AssertWinogradClose(expected.Data, actual, "conv (Winograd)");
        else
            AssertClose(expected.Data, actual, "conv");
    }
}
