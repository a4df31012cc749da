using ModelBuild.Core.Execution.Float;
using ModelBuild.Core.Graph;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.TestGraphs.FloatTestGraphs;

namespace ModelBuild.Core.Tests.Execution.Float;

/// <summary>The Winograd F(4×4, 3×3) convolution, run directly (whatever its applicability rule says), against naive loops.</summary>
[TestClass]
public sealed class WinogradConv2DKernelTests
{
    [TestMethod]
    [DataRow(8, 8, 16, 16, Padding.Same, FusedActivation.None, true, 1, DisplayName = "whole tiles")]
    [DataRow(7, 9, 21, 19, Padding.Same, FusedActivation.Relu6, true, 2, DisplayName = "partial tiles, ragged channels, batch 2")]
    [DataRow(9, 11, 13, 5, Padding.Valid, FusedActivation.Relu, false, 1, DisplayName = "valid, fewer than 8 channels, no bias")]
    [DataRow(7, 7, 300, 24, Padding.Same, FusedActivation.None, true, 1, DisplayName = "depth 300 (two depth blocks), 7x7")]
    [DataRow(14, 14, 1200, 1, Padding.Same, FusedActivation.None, true, 4, DisplayName = "64 tiles in two groups of 48 (wide input), one output channel")]
    [DataRow(30, 26, 24, 40, Padding.Same, FusedActivation.Relu, true, 1, DisplayName = "56 tiles, several GEMM row blocks per element")]
    public void Matches_naive_loops(int h, int w, int cin, int cout, Padding padding, FusedActivation act, bool withBias, int batch)
    {
        var r = new Random(h * 1000 + cin * 10 + cout);
        var x = RandomNd(r, [batch, h, w, cin]);
        var wt = RandomNd(r, [cout, 3, 3, cin], 0.5f);
        var bias = withBias ? Random(r, cout, 0.5f) : null;
        var expected = FloatNaiveReference.Conv2D(x, wt, bias, 1, 1, 1, 1, padding, act);
        int oh = expected.Shape[1], ow = expected.Shape[2];
        var actual = new float[expected.Data.Length];

        new WinogradConv2DKernel(wt.Data, bias, cout, cin, act).Run(x.Data, batch, h, w, actual, oh, ow);

        AssertWinogradClose(expected.Data, actual, "Winograd conv");
    }

    [TestMethod]
    public void Applies_to_3x3_stride_1_layers_with_enough_tiles_and_filters_that_fit_the_cache()
    {
        Assert.IsTrue(WinogradConv2DKernel.Applies(3, 3, 256, 256, 1, 1, 1, 1, 14, 14), "ResNet stage 3");
        Assert.IsTrue(WinogradConv2DKernel.Applies(3, 3, 64, 64, 1, 1, 1, 1, 56, 56), "ResNet stage 1");
        Assert.IsFalse(WinogradConv2DKernel.Applies(3, 3, 512, 512, 1, 1, 1, 1, 7, 7), "7x7 outputs: 4 tiles, 36 MiB of filters");
        Assert.IsFalse(WinogradConv2DKernel.Applies(3, 3, 64, 64, 2, 2, 1, 1, 28, 28), "stride 2");
        Assert.IsFalse(WinogradConv2DKernel.Applies(3, 3, 64, 64, 1, 1, 2, 2, 28, 28), "dilation 2");
        Assert.IsFalse(WinogradConv2DKernel.Applies(3, 3, 3, 64, 1, 1, 1, 1, 56, 56), "3 input channels");
        Assert.IsFalse(WinogradConv2DKernel.Applies(1, 1, 64, 64, 1, 1, 1, 1, 56, 56), "1x1");
    }

    /// <summary>
    /// Within 3e-5 of the reference's magnitude: the transforms multiply by up to 5 (input) and 8 (output), so F(4×4, 3×3)
    /// rounds a few times worse than the direct sums (1e-5 in <see cref="FloatTestGraphs.AssertClose"/>); measured 1.1e-5
    /// at depth 2700. The shared Keras models stay within their references' 1e-4 of the output range.
    /// </summary>
    internal static void AssertWinogradClose(float[] expected, float[] actual, string what)
    {
        NumericAssert.SameLengthAndFinite(expected, actual, what);
        NumericAssert.Close(expected, actual, 3e-5 * Math.Max(1f, expected.Max(Math.Abs)), what);
    }
}
