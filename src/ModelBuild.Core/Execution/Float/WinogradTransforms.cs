using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ModelBuild.Core.Execution.Float;

/// <summary>
/// The three transforms of Winograd's minimal filtering F(4×4, 3×3) (interpolation points 0, ±1, ±2, ∞; Lavin and
/// Gray 2015): a 6×6 input tile d becomes V = Bᵀ d B, a 3×3 filter g becomes U = G g Gᵀ, and the 6×6 element-wise
/// product sums M (over input channels) become the 4×4 output tile Aᵀ M A. Tiles are indexed ξ = row·6 + column.
/// The input and output transforms work on 8 channels at once (one AVX register per tile element).
/// </summary>
[SkipLocalsInit]
internal static unsafe class WinogradTransforms
{
    public const int Tile = 6;
    public const int Out = 4;
    public const int Points = Tile * Tile;

    /// <summary>
    /// U = G g Gᵀ for 8 filters at once: g element k (row-major 3×3) at <c>g + k·gStride</c>, U element ξ at <c>u + ξ·uStride</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Filter(float* g, long gStride, float* u, long uStride)
    {
        var t = stackalloc Vector256<float>[Tile * 3]; // G g: 6 rows × 3 columns
        for (int col = 0; col < 3; col++)
        {
            FilterLine(Vector256.Load(g + col * gStride), Vector256.Load(g + (3 + col) * gStride), Vector256.Load(g + (6 + col) * gStride),
                out t[col], out t[3 + col], out t[6 + col], out t[9 + col], out t[12 + col], out t[15 + col]);
        }

        for (int row = 0; row < Tile; row++)
        {
            FilterLine(t[row * 3], t[row * 3 + 1], t[row * 3 + 2], out var y0, out var y1, out var y2, out var y3, out var y4, out var y5);
            float* dst = u + row * Tile * uStride;
            y0.Store(dst);
            y1.Store(dst + uStride);
            y2.Store(dst + 2 * uStride);
            y3.Store(dst + 3 * uStride);
            y4.Store(dst + 4 * uStride);
            y5.Store(dst + 5 * uStride);
        }
    }

    /// <summary>G · (g0, g1, g2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FilterLine(Vector256<float> g0, Vector256<float> g1, Vector256<float> g2,
        out Vector256<float> y0, out Vector256<float> y1, out Vector256<float> y2, out Vector256<float> y3, out Vector256<float> y4, out Vector256<float> y5)
    {
        y0 = g0 / 4;
        y1 = -(g0 + g1 + g2) / 6;
        y2 = -(g0 - g1 + g2) / 6;
        var even = g0 / 24 + g2 / 6;
        var odd = g1 / 12;
        y3 = even + odd;
        y4 = even - odd;
        y5 = g2;
    }

    /// <summary>
    /// V = Bᵀ d B for 8 channels: d element (row, column) at <c>d + row·rowStride + column·colStride</c> (the input
    /// in place, or a zero-padded copy at the image's edges), V element ξ at <c>v + ξ·vStride</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Input(float* d, long rowStride, long colStride, float* v, long vStride)
    {
        var t = stackalloc Vector256<float>[Points];
        for (int col = 0; col < Tile; col++)
        {
            float* src = d + col * colStride;
            InputLine(Vector256.Load(src), Vector256.Load(src + rowStride), Vector256.Load(src + 2 * rowStride),
                Vector256.Load(src + 3 * rowStride), Vector256.Load(src + 4 * rowStride), Vector256.Load(src + 5 * rowStride),
                out t[col], out t[6 + col], out t[12 + col], out t[18 + col], out t[24 + col], out t[30 + col]);
        }

        for (int row = 0; row < Tile; row++)
        {
            var r = t + row * Tile;
            InputLine(r[0], r[1], r[2], r[3], r[4], r[5], out var y0, out var y1, out var y2, out var y3, out var y4, out var y5);
            float* dst = v + row * Tile * vStride;
            y0.Store(dst);
            y1.Store(dst + vStride);
            y2.Store(dst + 2 * vStride);
            y3.Store(dst + 3 * vStride);
            y4.Store(dst + 4 * vStride);
            y5.Store(dst + 5 * vStride);
        }
    }

    /// <summary>Bᵀ · (x0..x5).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void InputLine(Vector256<float> x0, Vector256<float> x1, Vector256<float> x2, Vector256<float> x3, Vector256<float> x4, Vector256<float> x5,
        out Vector256<float> y0, out Vector256<float> y1, out Vector256<float> y2, out Vector256<float> y3, out Vector256<float> y4, out Vector256<float> y5)
    {
        var four = Vector256.Create(4f);
        var five = Vector256.Create(5f);
        var two = Vector256.Create(2f);
        y0 = PackedGemm.Fma(four, x0, x4) - five * x2;
        var a = x4 - four * x2; // x4 − 4·x2
        var b = x3 - four * x1; // x3 − 4·x1
        y1 = a + b;
        y2 = a - b;
        var c = x4 - x2;
        var e = two * (x3 - x1);
        y3 = c + e;
        y4 = c - e;
        y5 = PackedGemm.Fma(four, x1, x5) - five * x3;
    }

    /// <summary>
    /// Y = Aᵀ M A for 8 channels: M element ξ at <c>m + ξ·mStride</c>, the 4×4 result into y[16] (element (i, j) at y + (i·4 + j)·8).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Output(float* m, long mStride, float* y)
    {
        var t = stackalloc Vector256<float>[Out * Tile]; // Aᵀ M: 4 rows × 6 columns
        for (int col = 0; col < Tile; col++)
        {
            float* src = m + col * mStride;
            OutputLine(Vector256.Load(src), Vector256.Load(src + 6 * mStride), Vector256.Load(src + 12 * mStride),
                Vector256.Load(src + 18 * mStride), Vector256.Load(src + 24 * mStride), Vector256.Load(src + 30 * mStride),
                out t[col], out t[6 + col], out t[12 + col], out t[18 + col]);
        }

        for (int row = 0; row < Out; row++)
        {
            var r = t + row * Tile;
            OutputLine(r[0], r[1], r[2], r[3], r[4], r[5], out var y0, out var y1, out var y2, out var y3);
            float* dst = y + row * Out * 8;
            y0.Store(dst);
            y1.Store(dst + 8);
            y2.Store(dst + 16);
            y3.Store(dst + 24);
        }
    }

    /// <summary>Aᵀ · (m0..m5).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OutputLine(Vector256<float> m0, Vector256<float> m1, Vector256<float> m2, Vector256<float> m3, Vector256<float> m4, Vector256<float> m5,
        out Vector256<float> y0, out Vector256<float> y1, out Vector256<float> y2, out Vector256<float> y3)
    {
        var s12 = m1 + m2;
        var d12 = m1 - m2;
        var s34 = m3 + m4;
        var d34 = m3 - m4;
        y0 = m0 + s12 + s34;
        y1 = PackedGemm.Fma(Vector256.Create(2f), d34, d12);
        y2 = PackedGemm.Fma(Vector256.Create(4f), s34, s12);
        y3 = PackedGemm.Fma(Vector256.Create(8f), d34, d12) + m5;
    }
}
