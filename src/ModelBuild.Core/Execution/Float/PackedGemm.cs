using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ModelBuild.Core.Execution.Float;

/// <summary>
/// C[rows, n] = clamp(A[rows, k] · B[k, n] + bias) with B (constant weights) packed once into panels of 16
/// columns, [panel][k][16]. Blocked for the caches: the depth is cut into blocks of 256 so a weight block
/// (16 KiB) stays in L1 while every 6-row group of A streams past it; 6×16 outputs live in 12 AVX registers.
/// </summary>
internal sealed unsafe class PackedGemm
{
    public const int PanelWidth = 16;
    public const int RowBlock = 6;
    private const int DepthBlock = 256;

    private readonly float[] _packed;
    private readonly float[] _bias;

    /// <param name="weightsByColumn">[n][k]: column j of B is row j here (OHWI conv weights, FC weights [out, in]).</param>
    public PackedGemm(float[] weightsByColumn, float[]? bias, int n, int k)
    {
        (N, K) = (n, k);
        Panels = (n + PanelWidth - 1) / PanelWidth;
        _packed = new float[(long)Panels * k * PanelWidth];
        for (int o = 0; o < n; o++)
        {
            int panel = o / PanelWidth, lane = o % PanelWidth;
            for (int i = 0; i < k; i++)
                _packed[((long)panel * k + i) * PanelWidth + lane] = weightsByColumn[(long)o * k + i];
        }

        _bias = new float[Panels * PanelWidth];
        if (bias is not null) Array.Copy(bias, _bias, n);
    }

    public int N { get; }

    public int K { get; }

    public int Panels { get; }

    /// <summary>Computes <paramref name="rows"/> rows of C (row stride <see cref="N"/>) for panels [p0, p1).</summary>
    public void Run(float* a, int lda, int rows, float* c, int p0, int p1, float lo, float hi)
    {
        fixed (float* packed = _packed)
        fixed (float* bias = _bias)
        {
            for (int k0 = 0; k0 < K; k0 += DepthBlock)
            {
                int kc = Math.Min(DepthBlock, K - k0);
                bool first = k0 == 0, last = k0 + kc >= K;
                for (int p = p0; p < p1; p++)
                {
                    float* w = packed + ((long)p * K + k0) * PanelWidth;
                    int col = p * PanelWidth, width = Math.Min(PanelWidth, N - col);
                    float* b = first ? bias + col : null;
                    int r = 0;
                    for (; r + RowBlock <= rows; r += RowBlock)
                        Block6(a + (long)r * lda + k0, lda, w, kc, c + (long)r * N + col, N, width, b, last, lo, hi);
                    for (; r < rows; r++)
                        Block1(a + (long)r * lda + k0, w, kc, c + (long)r * N + col, width, b, last, lo, hi);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        System.Runtime.Intrinsics.X86.Fma.IsSupported ? System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(a, b, c) : a * b + c;

    private static void Block6(float* a, int lda, float* w, int kc, float* c, int ldc, int width, float* bias, bool last, float lo, float hi)
    {
        Vector256<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (bias is not null)
        {
            c00 = c10 = c20 = c30 = c40 = c50 = Vector256.Load(bias);
            c01 = c11 = c21 = c31 = c41 = c51 = Vector256.Load(bias + 8);
        }
        else
        {
            (c00, c01) = LoadRow(c, width);
            (c10, c11) = LoadRow(c + ldc, width);
            (c20, c21) = LoadRow(c + 2 * ldc, width);
            (c30, c31) = LoadRow(c + 3 * ldc, width);
            (c40, c41) = LoadRow(c + 4 * ldc, width);
            (c50, c51) = LoadRow(c + 5 * ldc, width);
        }

        float* a0 = a, a1 = a + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
        for (int i = 0; i < kc; i++, w += PanelWidth)
        {
            var w0 = Vector256.Load(w);
            var w1 = Vector256.Load(w + 8);
            var x = Vector256.Create(a0[i]);
            c00 = Fma(x, w0, c00); c01 = Fma(x, w1, c01);
            x = Vector256.Create(a1[i]);
            c10 = Fma(x, w0, c10); c11 = Fma(x, w1, c11);
            x = Vector256.Create(a2[i]);
            c20 = Fma(x, w0, c20); c21 = Fma(x, w1, c21);
            x = Vector256.Create(a3[i]);
            c30 = Fma(x, w0, c30); c31 = Fma(x, w1, c31);
            x = Vector256.Create(a4[i]);
            c40 = Fma(x, w0, c40); c41 = Fma(x, w1, c41);
            x = Vector256.Create(a5[i]);
            c50 = Fma(x, w0, c50); c51 = Fma(x, w1, c51);
        }

        StoreRow(c, c00, c01, width, last, lo, hi);
        StoreRow(c + ldc, c10, c11, width, last, lo, hi);
        StoreRow(c + 2 * ldc, c20, c21, width, last, lo, hi);
        StoreRow(c + 3 * ldc, c30, c31, width, last, lo, hi);
        StoreRow(c + 4 * ldc, c40, c41, width, last, lo, hi);
        StoreRow(c + 5 * ldc, c50, c51, width, last, lo, hi);
    }

    private static void Block1(float* a, float* w, int kc, float* c, int width, float* bias, bool last, float lo, float hi)
    {
        var (c0, c1) = bias is not null ? (Vector256.Load(bias), Vector256.Load(bias + 8)) : LoadRow(c, width);
        for (int i = 0; i < kc; i++, w += PanelWidth)
        {
            var x = Vector256.Create(a[i]);
            c0 = Fma(x, Vector256.Load(w), c0);
            c1 = Fma(x, Vector256.Load(w + 8), c1);
        }

        StoreRow(c, c0, c1, width, last, lo, hi);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float>, Vector256<float>) LoadRow(float* c, int width) =>
        width == PanelWidth ? (Vector256.Load(c), Vector256.Load(c + 8)) : LoadPartial(c, width);

    private static (Vector256<float>, Vector256<float>) LoadPartial(float* c, int width)
    {
        float* t = stackalloc float[PanelWidth];
        for (int i = 0; i < PanelWidth; i++) t[i] = i < width ? c[i] : 0f;
        return (Vector256.Load(t), Vector256.Load(t + 8));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(float* dst, Vector256<float> v0, Vector256<float> v1, int width, bool clamp, float lo, float hi)
    {
        if (clamp)
        {
            var vlo = Vector256.Create(lo);
            var vhi = Vector256.Create(hi);
            v0 = Vector256.Min(Vector256.Max(v0, vlo), vhi);
            v1 = Vector256.Min(Vector256.Max(v1, vlo), vhi);
        }

        if (width == PanelWidth)
        {
            v0.Store(dst);
            v1.Store(dst + 8);
        }
        else StorePartial(dst, v0, v1, width);
    }

    private static void StorePartial(float* dst, Vector256<float> v0, Vector256<float> v1, int width)
    {
        float* t = stackalloc float[PanelWidth];
        v0.Store(t);
        v1.Store(t + 8);
        for (int i = 0; i < width; i++) dst[i] = t[i];
    }
}
