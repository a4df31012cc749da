using ModelBuild.Core.Execution.Float;
using static ModelBuild.Core.Tests.TestGraphs.FloatTestGraphs;

namespace ModelBuild.Core.Tests.Execution.Float;

/// <summary>The 512-bit 3×3 depthwise row kernel against a per-pixel loop, over channel tails, pixel tails, strides and zero rows.</summary>
[TestClass]
public sealed unsafe class WideDepthwiseRowTests
{
    [TestMethod]
    [DataRow(16, 4, 1, -1, DisplayName = "16 channels, 4 pixels, stride 1")]
    [DataRow(24, 7, 2, -1, DisplayName = "24 channels (shifted last block), 7 pixels, stride 2")]
    [DataRow(40, 9, 1, 0, DisplayName = "40 channels, 9 pixels, top row outside the image")]
    [DataRow(144, 3, 2, 2, DisplayName = "144 channels, 3 pixels, stride 2, bottom row outside the image")]
    [DataRow(33, 1, 1, 1, DisplayName = "33 channels, 1 pixel, middle row outside the image")]
    [DataRow(24, 10, 1, 1, DisplayName = "24 channels, 10 pixels (two groups of 4 and a tail), stride 1, middle row outside the image")]
    public void Row3x3_matches_a_per_pixel_loop(int c, int count, int stride, int zeroRow)
    {
        if (!WideDepthwiseRow.Supported) Assert.Inconclusive("512-bit vectors are not accelerated on this machine.");
        var r = new Random(c * 31 + count);
        int width = (count - 1) * stride + 3;
        var rows = new[] { Random(r, width * c), Random(r, width * c), Random(r, width * c) };
        if (zeroRow >= 0) rows[zeroRow] = new float[width * c];
        var weights = Random(r, 9 * c, 0.8f);
        var bias = Random(r, c, 0.3f);
        var expected = new float[count * c];
        for (int x = 0; x < count; x++)
            for (int ch = 0; ch < c; ch++)
            {
                double sum = bias[ch];
                for (int ky = 0; ky < 3; ky++)
                    for (int kx = 0; kx < 3; kx++)
                        sum += (double)weights[(ky * 3 + kx) * c + ch] * rows[ky][(x * stride + kx) * c + ch];
                expected[x * c + ch] = (float)Math.Clamp(sum, -0.5, 0.75);
            }

        var actual = new float[count * c];
        long[] steps = [.. Enumerable.Range(0, 3).Select(i => i == zeroRow ? 0L : (long)stride * c)];
        if (zeroRow >= 0) rows[zeroRow] = new float[3 * c]; // a zero row is a 3-pixel row read with step 0
        fixed (float* p0 = rows[0], p1 = rows[1], p2 = rows[2], w = weights, b = bias, d = actual)
            WideDepthwiseRow.Row3x3(p0, p1, p2, steps[0], steps[1], steps[2], stride, c, count, w, b, d, -0.5f, 0.75f);

        AssertClose(expected, actual, "wide depthwise row");
    }
}
