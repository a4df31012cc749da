using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ModelBuild.Core.Execution.Float;

/// <summary>
/// The 512-bit microkernels of <see cref="PackedGemm"/>: two adjacent 16-column panels at once, one 512-bit register per
/// row and panel (6 or 7 rows: 12 or 14 accumulators of AVX-512's 32 registers). This machine's cores run 512-bit
/// FMAs at full rate (a register-only FMA loop: 240 GFLOP/s per core with 512-bit vectors, 120 with 256-bit), so
/// these double the 256-bit kernels' peak. Each output sums the same products in the same order as the 256-bit
/// kernels (a fused multiply-add per depth step, from the bias or C), so the results are the same bits.
/// (Over 300 lines: each tile shape's kernel is written out register by register, as in PackedGemm.)
/// </summary>
internal static unsafe class WideMicrokernels
{
    /// <summary>Whether the machine has them (AVX-512F, 512-bit vectors accelerated).</summary>
    public static readonly bool Supported = Avx512F.IsSupported && Vector512.IsHardwareAccelerated;

    /// <summary>C[6, 32] = (bias or C) + A[6, kc] · W over two adjacent panels (<paramref name="w0"/>, <paramref name="w1"/>: [kc][16] each), clamped when <paramref name="last"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Block6(float* a, int lda, float* w0, float* w1, int kc, float* c, int ldc, float* bias, bool last, float lo, float hi)
    {
        Vector512<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (bias is not null)
        {
            c00 = c10 = c20 = c30 = c40 = c50 = Vector512.Load(bias);
            c01 = c11 = c21 = c31 = c41 = c51 = Vector512.Load(bias + 16);
        }
        else
        {
            c00 = Vector512.Load(c);
            c01 = Vector512.Load(c + 16);
            c10 = Vector512.Load(c + ldc);
            c11 = Vector512.Load(c + ldc + 16);
            c20 = Vector512.Load(c + 2 * ldc);
            c21 = Vector512.Load(c + 2 * ldc + 16);
            c30 = Vector512.Load(c + 3 * ldc);
            c31 = Vector512.Load(c + 3 * ldc + 16);
            c40 = Vector512.Load(c + 4 * ldc);
            c41 = Vector512.Load(c + 4 * ldc + 16);
            c50 = Vector512.Load(c + 5 * ldc);
            c51 = Vector512.Load(c + 5 * ldc + 16);
        }

        float* a0 = a, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
        for (int i = 0; i < kc; i++, w0 += PackedGemm.PanelWidth, w1 += PackedGemm.PanelWidth)
        {
            var u0 = Vector512.Load(w0);
            var u1 = Vector512.Load(w1);
            var x = Vector512.Create(a0[i]);
            c00 = Avx512F.FusedMultiplyAdd(x, u0, c00); c01 = Avx512F.FusedMultiplyAdd(x, u1, c01);
            x = Vector512.Create(a1[i]);
            c10 = Avx512F.FusedMultiplyAdd(x, u0, c10); c11 = Avx512F.FusedMultiplyAdd(x, u1, c11);
            x = Vector512.Create(a2[i]);
            c20 = Avx512F.FusedMultiplyAdd(x, u0, c20); c21 = Avx512F.FusedMultiplyAdd(x, u1, c21);
            x = Vector512.Create(a3[i]);
            c30 = Avx512F.FusedMultiplyAdd(x, u0, c30); c31 = Avx512F.FusedMultiplyAdd(x, u1, c31);
            x = Vector512.Create(a4[i]);
            c40 = Avx512F.FusedMultiplyAdd(x, u0, c40); c41 = Avx512F.FusedMultiplyAdd(x, u1, c41);
            x = Vector512.Create(a5[i]);
            c50 = Avx512F.FusedMultiplyAdd(x, u0, c50); c51 = Avx512F.FusedMultiplyAdd(x, u1, c51);
        }

        if (last)
        {
            var vlo = Vector512.Create(lo);
            var vhi = Vector512.Create(hi);
            c00 = Activations.Clamp(c00, vlo, vhi);
            c01 = Activations.Clamp(c01, vlo, vhi);
            c10 = Activations.Clamp(c10, vlo, vhi);
            c11 = Activations.Clamp(c11, vlo, vhi);
            c20 = Activations.Clamp(c20, vlo, vhi);
            c21 = Activations.Clamp(c21, vlo, vhi);
            c30 = Activations.Clamp(c30, vlo, vhi);
            c31 = Activations.Clamp(c31, vlo, vhi);
            c40 = Activations.Clamp(c40, vlo, vhi);
            c41 = Activations.Clamp(c41, vlo, vhi);
            c50 = Activations.Clamp(c50, vlo, vhi);
            c51 = Activations.Clamp(c51, vlo, vhi);
        }

        c00.Store(c);
        c01.Store(c + 16);
        c10.Store(c + ldc);
        c11.Store(c + ldc + 16);
        c20.Store(c + 2 * ldc);
        c21.Store(c + 2 * ldc + 16);
        c30.Store(c + 3 * ldc);
        c31.Store(c + 3 * ldc + 16);
        c40.Store(c + 4 * ldc);
        c41.Store(c + 4 * ldc + 16);
        c50.Store(c + 5 * ldc);
        c51.Store(c + 5 * ldc + 16);
    }

    /// <summary>C[7, 32] = (bias or C) + A[7, kc] · W over two adjacent panels (<paramref name="w0"/>, <paramref name="w1"/>: [kc][16] each), clamped when <paramref name="last"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Block7(float* a, int lda, float* w0, float* w1, int kc, float* c, int ldc, float* bias, bool last, float lo, float hi)
    {
        Vector512<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61;
        if (bias is not null)
        {
            c00 = c10 = c20 = c30 = c40 = c50 = c60 = Vector512.Load(bias);
            c01 = c11 = c21 = c31 = c41 = c51 = c61 = Vector512.Load(bias + 16);
        }
        else
        {
            c00 = Vector512.Load(c);
            c01 = Vector512.Load(c + 16);
            c10 = Vector512.Load(c + ldc);
            c11 = Vector512.Load(c + ldc + 16);
            c20 = Vector512.Load(c + 2 * ldc);
            c21 = Vector512.Load(c + 2 * ldc + 16);
            c30 = Vector512.Load(c + 3 * ldc);
            c31 = Vector512.Load(c + 3 * ldc + 16);
            c40 = Vector512.Load(c + 4 * ldc);
            c41 = Vector512.Load(c + 4 * ldc + 16);
            c50 = Vector512.Load(c + 5 * ldc);
            c51 = Vector512.Load(c + 5 * ldc + 16);
            c60 = Vector512.Load(c + 6 * ldc);
            c61 = Vector512.Load(c + 6 * ldc + 16);
        }

        float* a0 = a, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda, a6 = a5 + lda;
        for (int i = 0; i < kc; i++, w0 += PackedGemm.PanelWidth, w1 += PackedGemm.PanelWidth)
        {
            var u0 = Vector512.Load(w0);
            var u1 = Vector512.Load(w1);
            var x = Vector512.Create(a0[i]);
            c00 = Avx512F.FusedMultiplyAdd(x, u0, c00); c01 = Avx512F.FusedMultiplyAdd(x, u1, c01);
            x = Vector512.Create(a1[i]);
            c10 = Avx512F.FusedMultiplyAdd(x, u0, c10); c11 = Avx512F.FusedMultiplyAdd(x, u1, c11);
            x = Vector512.Create(a2[i]);
            c20 = Avx512F.FusedMultiplyAdd(x, u0, c20); c21 = Avx512F.FusedMultiplyAdd(x, u1, c21);
            x = Vector512.Create(a3[i]);
            c30 = Avx512F.FusedMultiplyAdd(x, u0, c30); c31 = Avx512F.FusedMultiplyAdd(x, u1, c31);
            x = Vector512.Create(a4[i]);
            c40 = Avx512F.FusedMultiplyAdd(x, u0, c40); c41 = Avx512F.FusedMultiplyAdd(x, u1, c41);
            x = Vector512.Create(a5[i]);
            c50 = Avx512F.FusedMultiplyAdd(x, u0, c50); c51 = Avx512F.FusedMultiplyAdd(x, u1, c51);
            x = Vector512.Create(a6[i]);
            c60 = Avx512F.FusedMultiplyAdd(x, u0, c60); c61 = Avx512F.FusedMultiplyAdd(x, u1, c61);
        }

        if (last)
        {
            var vlo = Vector512.Create(lo);
            var vhi = Vector512.Create(hi);
            c00 = Activations.Clamp(c00, vlo, vhi);
            c01 = Activations.Clamp(c01, vlo, vhi);
            c10 = Activations.Clamp(c10, vlo, vhi);
            c11 = Activations.Clamp(c11, vlo, vhi);
            c20 = Activations.Clamp(c20, vlo, vhi);
            c21 = Activations.Clamp(c21, vlo, vhi);
            c30 = Activations.Clamp(c30, vlo, vhi);
            c31 = Activations.Clamp(c31, vlo, vhi);
            c40 = Activations.Clamp(c40, vlo, vhi);
            c41 = Activations.Clamp(c41, vlo, vhi);
            c50 = Activations.Clamp(c50, vlo, vhi);
            c51 = Activations.Clamp(c51, vlo, vhi);
            c60 = Activations.Clamp(c60, vlo, vhi);
            c61 = Activations.Clamp(c61, vlo, vhi);
        }

        c00.Store(c);
        c01.Store(c + 16);
        c10.Store(c + ldc);
        c11.Store(c + ldc + 16);
        c20.Store(c + 2 * ldc);
        c21.Store(c + 2 * ldc + 16);
        c30.Store(c + 3 * ldc);
        c31.Store(c + 3 * ldc + 16);
        c40.Store(c + 4 * ldc);
        c41.Store(c + 4 * ldc + 16);
        c50.Store(c + 5 * ldc);
        c51.Store(c + 5 * ldc + 16);
        c60.Store(c + 6 * ldc);
        c61.Store(c + 6 * ldc + 16);
    }

    /// <summary>
    /// <see cref="Block7"/> for a pair whose second panel has 8 columns (24 outputs: 16 + 8, MobileNetV2's projections
    /// to 24 channels): the second panel's accumulators are 256-bit, so C is read and written in place with no edge tile.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Block7Tail8(float* a, int lda, float* w0, float* w1, int kc, float* c, int ldc, float* bias, bool last, float lo, float hi)
    {
        Vector512<float> c00, c10, c20, c30, c40, c50, c60;
        Vector256<float> c01, c11, c21, c31, c41, c51, c61;
        if (bias is not null)
        {
            c00 = c10 = c20 = c30 = c40 = c50 = c60 = Vector512.Load(bias);
            c01 = c11 = c21 = c31 = c41 = c51 = c61 = Vector256.Load(bias + 16);
        }
        else
        {
            c00 = Vector512.Load(c);
            c01 = Vector256.Load(c + 16);
            c10 = Vector512.Load(c + ldc);
            c11 = Vector256.Load(c + ldc + 16);
            c20 = Vector512.Load(c + 2 * ldc);
            c21 = Vector256.Load(c + 2 * ldc + 16);
            c30 = Vector512.Load(c + 3 * ldc);
            c31 = Vector256.Load(c + 3 * ldc + 16);
            c40 = Vector512.Load(c + 4 * ldc);
            c41 = Vector256.Load(c + 4 * ldc + 16);
            c50 = Vector512.Load(c + 5 * ldc);
            c51 = Vector256.Load(c + 5 * ldc + 16);
            c60 = Vector512.Load(c + 6 * ldc);
            c61 = Vector256.Load(c + 6 * ldc + 16);
        }

        float* a0 = a, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda, a6 = a5 + lda;
        for (int i = 0; i < kc; i++, w0 += PackedGemm.PanelWidth, w1 += PackedGemm.PanelWidth)
        {
            var u0 = Vector512.Load(w0);
            var u1 = Vector256.Load(w1);
            var x = Vector512.Create(a0[i]);
            c00 = Avx512F.FusedMultiplyAdd(x, u0, c00); c01 = Fma.MultiplyAdd(x.GetLower(), u1, c01);
            x = Vector512.Create(a1[i]);
            c10 = Avx512F.FusedMultiplyAdd(x, u0, c10); c11 = Fma.MultiplyAdd(x.GetLower(), u1, c11);
            x = Vector512.Create(a2[i]);
            c20 = Avx512F.FusedMultiplyAdd(x, u0, c20); c21 = Fma.MultiplyAdd(x.GetLower(), u1, c21);
            x = Vector512.Create(a3[i]);
            c30 = Avx512F.FusedMultiplyAdd(x, u0, c30); c31 = Fma.MultiplyAdd(x.GetLower(), u1, c31);
            x = Vector512.Create(a4[i]);
            c40 = Avx512F.FusedMultiplyAdd(x, u0, c40); c41 = Fma.MultiplyAdd(x.GetLower(), u1, c41);
            x = Vector512.Create(a5[i]);
            c50 = Avx512F.FusedMultiplyAdd(x, u0, c50); c51 = Fma.MultiplyAdd(x.GetLower(), u1, c51);
            x = Vector512.Create(a6[i]);
            c60 = Avx512F.FusedMultiplyAdd(x, u0, c60); c61 = Fma.MultiplyAdd(x.GetLower(), u1, c61);
        }

        if (last)
        {
            var vlo = Vector512.Create(lo);
            var vhi = Vector512.Create(hi);
            c00 = Activations.Clamp(c00, vlo, vhi);
            c10 = Activations.Clamp(c10, vlo, vhi);
            c20 = Activations.Clamp(c20, vlo, vhi);
            c30 = Activations.Clamp(c30, vlo, vhi);
            c40 = Activations.Clamp(c40, vlo, vhi);
            c50 = Activations.Clamp(c50, vlo, vhi);
            c60 = Activations.Clamp(c60, vlo, vhi);
            var lo8 = vlo.GetLower();
            var hi8 = vhi.GetLower();
            c01 = Activations.Clamp(c01, lo8, hi8);
            c11 = Activations.Clamp(c11, lo8, hi8);
            c21 = Activations.Clamp(c21, lo8, hi8);
            c31 = Activations.Clamp(c31, lo8, hi8);
            c41 = Activations.Clamp(c41, lo8, hi8);
            c51 = Activations.Clamp(c51, lo8, hi8);
            c61 = Activations.Clamp(c61, lo8, hi8);
        }

        c00.Store(c);
        c01.Store(c + 16);
        c10.Store(c + ldc);
        c11.Store(c + ldc + 16);
        c20.Store(c + 2 * ldc);
        c21.Store(c + 2 * ldc + 16);
        c30.Store(c + 3 * ldc);
        c31.Store(c + 3 * ldc + 16);
        c40.Store(c + 4 * ldc);
        c41.Store(c + 4 * ldc + 16);
        c50.Store(c + 5 * ldc);
        c51.Store(c + 5 * ldc + 16);
        c60.Store(c + 6 * ldc);
        c61.Store(c + 6 * ldc + 16);
    }

    /// <summary>
    /// C[7, 16] = (bias or C) + A[7, kc] · W over one panel (<paramref name="w"/>: [kc][16]), clamped when
    /// <paramref name="last"/>: a lone panel (16 outputs, or the odd one of 9) at the 512-bit rate, 7 accumulators.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Block7Single(float* a, int lda, float* w, int kc, float* c, int ldc, float* bias, bool last, float lo, float hi)
    {
        Vector512<float> c0, c1, c2, c3, c4, c5, c6;
        if (bias is not null)
        {
            c0 = c1 = c2 = c3 = c4 = c5 = c6 = Vector512.Load(bias);
        }
        else
        {
            c0 = Vector512.Load(c);
            c1 = Vector512.Load(c + ldc);
            c2 = Vector512.Load(c + 2 * ldc);
            c3 = Vector512.Load(c + 3 * ldc);
            c4 = Vector512.Load(c + 4 * ldc);
            c5 = Vector512.Load(c + 5 * ldc);
            c6 = Vector512.Load(c + 6 * ldc);
        }

        float* a0 = a, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda, a6 = a5 + lda;
        for (int i = 0; i < kc; i++, w += PackedGemm.PanelWidth)
        {
            var u = Vector512.Load(w);
            c0 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[i]), u, c0);
            c1 = Avx512F.FusedMultiplyAdd(Vector512.Create(a1[i]), u, c1);
            c2 = Avx512F.FusedMultiplyAdd(Vector512.Create(a2[i]), u, c2);
            c3 = Avx512F.FusedMultiplyAdd(Vector512.Create(a3[i]), u, c3);
            c4 = Avx512F.FusedMultiplyAdd(Vector512.Create(a4[i]), u, c4);
            c5 = Avx512F.FusedMultiplyAdd(Vector512.Create(a5[i]), u, c5);
            c6 = Avx512F.FusedMultiplyAdd(Vector512.Create(a6[i]), u, c6);
        }

        if (last)
        {
            var vlo = Vector512.Create(lo);
            var vhi = Vector512.Create(hi);
            c0 = Activations.Clamp(c0, vlo, vhi);
            c1 = Activations.Clamp(c1, vlo, vhi);
            c2 = Activations.Clamp(c2, vlo, vhi);
            c3 = Activations.Clamp(c3, vlo, vhi);
            c4 = Activations.Clamp(c4, vlo, vhi);
            c5 = Activations.Clamp(c5, vlo, vhi);
            c6 = Activations.Clamp(c6, vlo, vhi);
        }

        c0.Store(c);
        c1.Store(c + ldc);
        c2.Store(c + 2 * ldc);
        c3.Store(c + 3 * ldc);
        c4.Store(c + 4 * ldc);
        c5.Store(c + 5 * ldc);
        c6.Store(c + 6 * ldc);
    }
}
