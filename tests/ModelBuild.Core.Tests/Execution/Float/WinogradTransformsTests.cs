using ModelBuild.Core.Execution.Float;

namespace ModelBuild.Core.Tests.Execution.Float;

/// <summary>
/// Winograd F(4×4, 3×3) transforms: filter (G g Gᵀ), input (Bᵀ d B) and output (Aᵀ M A) together give the 4×4 tile
/// of a 3×3 correlation of a 6×6 input tile, for 8 independent lanes, whatever the strides the tile is read with.
/// </summary>
[TestClass]
public sealed unsafe class WinogradTransformsTests
{
    private const int Lanes = 8;

    /// <summary>d[(r·6 + c)·8 + lane], g[(a·3 + b)·8 + lane] → y[(i·4 + j)·8 + lane] = Σ d[i + a, j + b]·g[a, b].</summary>
    private static float[] DirectCorrelation(float[] d, float[] g)
    {
        var y = new float[16 * Lanes];
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
                for (int lane = 0; lane < Lanes; lane++)
                {
                    double s = 0;
                    for (int a = 0; a < 3; a++)
                        for (int b = 0; b < 3; b++)
                            s += d[((i + a) * 6 + j + b) * Lanes + lane] * g[(a * 3 + b) * Lanes + lane];
                    y[(i * 4 + j) * Lanes + lane] = (float)s;
                }

        return y;
    }

    private static float[] Random(int n, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
    }

    /// <summary>The three transforms with the element-wise product between: the input tile read with the given strides.</summary>
    private static float[] Winograd(float[] tile, long rowStride, long colStride, float[] g)
    {
        var u = new float[WinogradTransforms.Points * Lanes];
        var v = new float[WinogradTransforms.Points * Lanes];
        var y = new float[16 * Lanes];
        fixed (float* pg = g, pu = u, pd = tile, pv = v, py = y)
        {
            WinogradTransforms.Filter(pg, Lanes, pu, Lanes);
            WinogradTransforms.Input(pd, rowStride, colStride, pv, Lanes);
            for (int i = 0; i < v.Length; i++) v[i] *= u[i];
            WinogradTransforms.Output(pv, Lanes, py);
        }

        return y;
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        for (int i = 0; i < expected.Length; i++)
            Assert.AreEqual(expected[i], actual[i], 1e-4f * (1 + Math.Abs(expected[i])), $"element ({i / Lanes / 4}, {i / Lanes % 4}) lane {i % Lanes}");
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    [DataRow(3)]
    public void Transforms_compute_the_4x4_tile_of_a_3x3_correlation_in_each_lane(int seed)
    {
        var d = Random(36 * Lanes, seed);
        var g = Random(9 * Lanes, seed + 100);
        AssertClose(DirectCorrelation(d, g), Winograd(d, 6 * Lanes, Lanes, g));
    }

    [TestMethod]
    public void Input_transform_reads_the_tile_through_its_row_and_column_strides()
    {
        // The same tile stored transposed (column-major) and read with the strides swapped gives the same result.
        var d = Random(36 * Lanes, 7);
        var g = Random(9 * Lanes, 8);
        var transposed = new float[d.Length];
        for (int r = 0; r < 6; r++)
            for (int c = 0; c < 6; c++)
                Array.Copy(d, (r * 6 + c) * Lanes, transposed, (c * 6 + r) * Lanes, Lanes);
        AssertClose(DirectCorrelation(d, g), Winograd(transposed, Lanes, 6 * Lanes, g));
    }

    [TestMethod]
    public void A_centre_tap_filter_copies_the_inner_4x4_of_the_tile()
    {
        var d = Random(36 * Lanes, 9);
        var g = new float[9 * Lanes];
        for (int lane = 0; lane < Lanes; lane++) g[4 * Lanes + lane] = 1f;
        var y = Winograd(d, 6 * Lanes, Lanes, g);
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
                for (int lane = 0; lane < Lanes; lane++)
                    Assert.AreEqual(d[((i + 1) * 6 + j + 1) * Lanes + lane], y[(i * 4 + j) * Lanes + lane], 1e-5f, $"({i}, {j}) lane {lane}");
    }
}
