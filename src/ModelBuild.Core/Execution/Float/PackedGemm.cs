using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ModelBuild.Core.Execution.Float;

/// <summary>
/// C[rows, n] = clamp(A[rows, k] · B[k, n] + bias) with B (constant weights) packed once into panels of 16
/// columns, [panel][k][16]. Blocked for the caches: the depth is cut into blocks of 256 so a weight block
/// (16 KiB) stays in L1 while every 6-row group of the packed A block streams past it; 6×16 outputs live in
/// 12 AVX registers (the microkernel runs near the core's FMA peak when its operands are in cache).
/// (Over 300 lines: the two 256-bit microkernels are written out register by register, and belong with the tiling.)
/// </summary>
internal sealed unsafe class PackedGemm
{
    public const int PanelWidth = 16;
    public const int RowBlock = 6;

    /// <summary><paramref name="rows"/> rounded up to whole <see cref="RowBlock"/>s: the rows of A a caller lays out (zero past the last row).</summary>
    public static int RowsPadded(int rows) => (rows + RowBlock - 1) / RowBlock * RowBlock;
    public const int DepthBlock = 256;

    /// <summary>The panels, in <see cref="HugePageMemory"/> (huge pages where the OS gives them).</summary>
    private readonly HugePageMemory _packed;
    private readonly float[] _bias;

    /// <param name="weightsByColumn">[n][k]: column j of B is row j here (OHWI conv weights, FC weights [out, in]).</param>
    public PackedGemm(float[] weightsByColumn, float[]? bias, int n, int k)
    {
        (N, K) = (n, k);
        Panels = (n + PanelWidth - 1) / PanelWidth;
        _packed = HugePageMemory.Allocate((long)Panels * k * PanelWidth);
        var packed = _packed;
        CoreParallel.ForRanges(Panels, (from, to) => Pack(weightsByColumn, n, k, from, to, packed.Pointer), (long)k * PanelWidth);
        _bias = new float[Panels * PanelWidth];
        if (bias is not null) Array.Copy(bias, _bias, n);
    }

    /// <summary>
    /// Panels [from, to) panel by panel, depth by depth: sequential writes, 16 sequential read streams (one per output
    /// column). Compiled optimized from the first call: it runs once per layer over the whole weight array.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Pack(float[] weightsByColumn, int n, int k, int from, int to, float* packed)
    {
        for (int panel = from; panel < to; panel++)
        {
            int lanes = Math.Min(PanelWidth, n - panel * PanelWidth);
            long dst = (long)panel * k * PanelWidth;
            for (int i = 0; i < k; i++, dst += PanelWidth)
            {
                for (int lane = 0; lane < lanes; lane++)
                    packed[dst + lane] = weightsByColumn[(long)(panel * PanelWidth + lane) * k + i];
                for (int lane = lanes; lane < PanelWidth; lane++) packed[dst + lane] = 0f; // native memory is not zeroed
            }
        }
    }

    public int N { get; }

    public int K { get; }

    public int Panels { get; }

    /// <summary>
    /// Accumulates one depth block into <paramref name="rows"/> rows of C (row stride <see cref="N"/>) for panels
    /// [p0, p1): C += A · B[k0 .. k0+kc), starting from the bias at k0 = 0 and clamping to [lo, hi] after the last
    /// block. Row i of A's block is at <c>a + i·lda</c>; rows past <paramref name="rows"/> up to a whole row block
    /// are read too (zero padding of a packed block), so a caller reading A in place passes whole row blocks only.
    /// </summary>
    public void RunBlock(float* a, int lda, int rows, int k0, int kc, float* c, int p0, int p1, float lo, float hi)
    {
        fixed (float* bias = _bias)
            RunPacked(_packed.Pointer, bias, N, K, a, lda, rows, k0, kc, c, p0, p1, lo, hi);
        _packed.KeepAlive();
    }

    /// <summary>
    /// <see cref="RunBlock"/> over weights packed elsewhere in this class's layout ([panel][k][16], <paramref name="n"/>
    /// columns, depth <paramref name="k"/>) with <paramref name="bias"/> padded to whole panels (zeros for none).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunPacked(float* packed, float* bias, int n, int k, float* a, int lda, int rows, int k0, int kc, float* c, int p0, int p1, float lo, float hi)
    {
        bool first = k0 == 0, last = k0 + kc >= k;
        float* edge = stackalloc float[TallRowBlock * 2 * PanelWidth];
        int step = UsesTallBlocks(rows) ? TallRowBlock : RowBlock;
        if ((long)(p1 - p0) * kc * PanelWidth * sizeof(float) <= RowsOuterWeightBytes)
        {
            // Small weight block (1×1 layers of small depth): it stays in L1 while each group of rows (A in L1)
            // runs across every panel, so a row's outputs are written in one go instead of one panel at a time.
            for (int r = 0; r < rows; r += step)
                for (int p = p0; p < p1; p += PanelStep)
                    Tiles(packed, bias, n, k, a, lda, rows, k0, kc, c, p, Math.Min(p + PanelStep, p1), r, step, first, last, lo, hi, edge);
            return;
        }

        for (int p = p0; p < p1; p += PanelStep)
            for (int r = 0; r < rows; r += step)
                Tiles(packed, bias, n, k, a, lda, rows, k0, kc, c, p, Math.Min(p + PanelStep, p1), r, step, first, last, lo, hi, edge);
    }

    /// <summary>Panels run together: two (one 512-bit register each) where <see cref="WideMicrokernels"/> are supported.</summary>
    private static readonly int PanelStep = WideMicrokernels.Supported ? 2 : 1;

    /// <summary>The tiles of panels [p, pEnd) at rows [r, r+step): two whole panels of whole rows by the 512-bit kernels, anything else panel by panel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tiles(float* packed, float* bias, int n, int k, float* a, int lda, int rows, int k0, int kc, float* c, int p, int pEnd, int r, int step, bool first, bool last, float lo, float hi, float* edge)
    {
        int col = p * PanelWidth;
        if (pEnd - p == 2 && col + 2 * PanelWidth <= n && rows - r >= step)
        {
            float* w0 = packed + ((long)p * k + k0) * PanelWidth, w1 = w0 + (long)k * PanelWidth;
            float* b = first ? bias + col : null;
            float* ar = a + (long)r * lda, cr = c + (long)r * n + col;
            if (step == TallRowBlock) WideMicrokernels.Block7(ar, lda, w0, w1, kc, cr, n, b, last, lo, hi);
            else WideMicrokernels.Block6(ar, lda, w0, w1, kc, cr, n, b, last, lo, hi);
            return;
        }

        if (step == TallRowBlock && rows - r >= step && PanelStep == 2 && TallTiles(packed, bias, n, k, a, lda, k0, kc, c, p, pEnd, r, first, last, lo, hi, edge))
            return;

        for (int q = p; q < pEnd; q++)
            Tile(packed, bias, n, k, a, lda, rows, k0, kc, c, q, r, step, first, last, lo, hi, edge);
    }

    /// <summary>
    /// Whole 7-row tiles of a pair whose second panel is ragged or of a lone whole panel (16 outputs, the odd one of 9)
    /// at the 512-bit rate; false for anything else. A pair of 16 + 8 columns (24 outputs) runs in place
    /// (<see cref="WideMicrokernels.Block7Tail8"/>); other ragged pairs run whole in <paramref name="edge"/> (7 × 32),
    /// with C copied in first when it accumulates a later depth block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TallTiles(float* packed, float* bias, int n, int k, float* a, int lda, int k0, int kc, float* c, int p, int pEnd, int r, bool first, bool last, float lo, float hi, float* edge)
    {
        int col = p * PanelWidth, width = n - col;
        float* w0 = packed + ((long)p * k + k0) * PanelWidth;
        float* b = first ? bias + col : null;
        float* ar = a + (long)r * lda, cr = c + (long)r * n + col;
        if (pEnd - p == 1 && width >= PanelWidth)
        {
            WideMicrokernels.Block7Single(ar, lda, w0, kc, cr, n, b, last, lo, hi);
            return true;
        }

        if (pEnd - p != 2) return false;
        if (width == PanelWidth + PanelWidth / 2)
        {
            WideMicrokernels.Block7Tail8(ar, lda, w0, w0 + (long)k * PanelWidth, kc, cr, n, b, last, lo, hi);
            return true;
        }

        const int ldEdge = 2 * PanelWidth;
        if (!first) CopyRows(cr, n, edge, ldEdge, TallRowBlock, width);
        WideMicrokernels.Block7(ar, lda, w0, w0 + (long)k * PanelWidth, kc, edge, ldEdge, b, last, lo, hi);
        CopyRows(edge, ldEdge, cr, n, TallRowBlock, width);
        return true;
    }

    /// <summary>Copies <paramref name="width"/> floats of each of <paramref name="rows"/> rows (a ragged tile of C into or out of its scratch).</summary>
    private static void CopyRows(float* src, int ldSrc, float* dst, int ldDst, int rows, int width)
    {
        for (int i = 0; i < rows; i++)
            new Span<float>(src + (long)i * ldSrc, width).CopyTo(new Span<float>(dst + (long)i * ldDst, width));
    }

    /// <summary>
    /// Rows of the tall microkernel (7×16: 14 accumulators, which need the 32 vector registers of AVX-512VL). Every
    /// feature-map size of the ResNets and MobileNets at 224 (112, 56, 28, 14, 7) is a multiple of 7, so their row
    /// counts split into whole 7-row tiles: no ragged last tile (49 rows: 7 tiles instead of 8 and a 1-row one).
    /// </summary>
    public const int TallRowBlock = 7;

    /// <summary>Rows of a job or block that start at a multiple of this are whole blocks of both microkernels.</summary>
    public const int RowAlignment = RowBlock * TallRowBlock;

    private static readonly bool TallBlocks = System.Runtime.Intrinsics.X86.Avx512F.VL.IsSupported && System.Runtime.Intrinsics.X86.Fma.IsSupported;

    /// <summary>Whether <see cref="RunPacked"/> runs <paramref name="rows"/> rows as whole 7-row tiles (reading no row past them).</summary>
    public static bool UsesTallBlocks(int rows) => TallBlocks && rows % TallRowBlock == 0;

    /// <summary>Weight blocks (panels × depth block) up to this size run row group by row group across all panels.</summary>
    private const int RowsOuterWeightBytes = 32 << 10;

    /// <summary>The tile of C at rows [r, r+step), panel <paramref name="p"/>; a ragged tile (last rows or columns) runs whole in <paramref name="edge"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile(float* packed, float* bias, int n, int k, float* a, int lda, int rows, int k0, int kc, float* c, int p, int r, int step, bool first, bool last, float lo, float hi, float* edge)
    {
        float* w = packed + ((long)p * k + k0) * PanelWidth;
        int col = p * PanelWidth, width = Math.Min(PanelWidth, n - col);
        float* b = first ? bias + col : null;
        float* ar = a + (long)r * lda, cr = c + (long)r * n + col;
        int height = Math.Min(step, rows - r);
        if (height == step && width == PanelWidth)
        {
            if (step == TallRowBlock) Block7(ar, lda, w, kc, cr, n, b, last, lo, hi);
            else Block6(ar, lda, w, kc, cr, n, b, last, lo, hi);
            return;
        }

        // A ragged tile (last rows, last columns): run a whole tile in scratch (A rows past the end are zero).
        if (!first) CopyRows(cr, n, edge, PanelWidth, height, width);
        if (step == TallRowBlock) Block7(ar, lda, w, kc, edge, PanelWidth, b, last, lo, hi);
        else Block6(ar, lda, w, kc, edge, PanelWidth, b, last, lo, hi);
        CopyRows(edge, PanelWidth, cr, n, height, width);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        System.Runtime.Intrinsics.X86.Fma.IsSupported ? System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(a, b, c) : a * b + c;

    /// <summary><see cref="Block6"/> for 7 rows: 14 accumulators, for machines with 32 vector registers (see <see cref="TallRowBlock"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block7(float* a, int lda, float* w, int kc, float* c, int ldc, float* bias, bool last, float lo, float hi)
    {
        Vector256<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61;
        if (bias is not null)
        {
            c00 = c10 = c20 = c30 = c40 = c50 = c60 = Vector256.Load(bias);
            c01 = c11 = c21 = c31 = c41 = c51 = c61 = Vector256.Load(bias + 8);
        }
        else
        {
            c00 = Vector256.Load(c);
            c01 = Vector256.Load(c + 8);
            c10 = Vector256.Load(c + ldc);
            c11 = Vector256.Load(c + ldc + 8);
            c20 = Vector256.Load(c + 2 * ldc);
            c21 = Vector256.Load(c + 2 * ldc + 8);
            c30 = Vector256.Load(c + 3 * ldc);
            c31 = Vector256.Load(c + 3 * ldc + 8);
            c40 = Vector256.Load(c + 4 * ldc);
            c41 = Vector256.Load(c + 4 * ldc + 8);
            c50 = Vector256.Load(c + 5 * ldc);
            c51 = Vector256.Load(c + 5 * ldc + 8);
            c60 = Vector256.Load(c + 6 * ldc);
            c61 = Vector256.Load(c + 6 * ldc + 8);
        }

        float* a0 = a, a1 = a + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda, a6 = a5 + lda;
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
            x = Vector256.Create(a6[i]);
            c60 = Fma(x, w0, c60); c61 = Fma(x, w1, c61);
        }

        if (last)
        {
            var vlo = Vector256.Create(lo);
            var vhi = Vector256.Create(hi);
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
        c01.Store(c + 8);
        c10.Store(c + ldc);
        c11.Store(c + ldc + 8);
        c20.Store(c + 2 * ldc);
        c21.Store(c + 2 * ldc + 8);
        c30.Store(c + 3 * ldc);
        c31.Store(c + 3 * ldc + 8);
        c40.Store(c + 4 * ldc);
        c41.Store(c + 4 * ldc + 8);
        c50.Store(c + 5 * ldc);
        c51.Store(c + 5 * ldc + 8);
        c60.Store(c + 6 * ldc);
        c61.Store(c + 6 * ldc + 8);
    }

    /// <summary>
    /// The microkernel: a 6×16 tile of C in 12 registers, C = (bias or C) + A[6, kc] · W[kc, 16], clamped when
    /// <paramref name="last"/>. Kept free of multi-value helpers so the JIT keeps every accumulator in a register.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block6(float* a, int lda, float* w, int kc, float* c, int ldc, float* bias, bool last, float lo, float hi)
    {
        Vector256<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (bias is not null)
        {
            c00 = c10 = c20 = c30 = c40 = c50 = Vector256.Load(bias);
            c01 = c11 = c21 = c31 = c41 = c51 = Vector256.Load(bias + 8);
        }
        else
        {
            c00 = Vector256.Load(c);
            c01 = Vector256.Load(c + 8);
            c10 = Vector256.Load(c + ldc);
            c11 = Vector256.Load(c + ldc + 8);
            c20 = Vector256.Load(c + 2 * ldc);
            c21 = Vector256.Load(c + 2 * ldc + 8);
            c30 = Vector256.Load(c + 3 * ldc);
            c31 = Vector256.Load(c + 3 * ldc + 8);
            c40 = Vector256.Load(c + 4 * ldc);
            c41 = Vector256.Load(c + 4 * ldc + 8);
            c50 = Vector256.Load(c + 5 * ldc);
            c51 = Vector256.Load(c + 5 * ldc + 8);
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

        if (last)
        {
            var vlo = Vector256.Create(lo);
            var vhi = Vector256.Create(hi);
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
        c01.Store(c + 8);
        c10.Store(c + ldc);
        c11.Store(c + ldc + 8);
        c20.Store(c + 2 * ldc);
        c21.Store(c + 2 * ldc + 8);
        c30.Store(c + 3 * ldc);
        c31.Store(c + 3 * ldc + 8);
        c40.Store(c + 4 * ldc);
        c41.Store(c + 4 * ldc + 8);
        c50.Store(c + 5 * ldc);
        c51.Store(c + 5 * ldc + 8);
    }
}
