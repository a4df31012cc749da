using System.Runtime.CompilerServices;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Execution.Float;

/// <summary>
/// Float CONV_2D as a GEMM: C[output pixels, cout] = A[pixels, kh·kw·cin] × packed weights (<see cref="PackedGemm"/>).
/// 1×1 stride-1 layers read A in place (it is the NHWC input); for the others A is never materialized whole: each
/// job packs one block of rows × depth at a time (im2col of a slice of the depth) into a per-thread buffer that
/// stays in L2 while every weight panel of the job streams past it. Work is split over pixel rows and, when a layer has few pixels (14×14, 7×7),
/// over groups of output-channel panels too, so the weights are read once per row block rather than once per pixel.
/// </summary>
internal sealed unsafe class Conv2DKernel
{
    /// <summary>Rows of A packed at once: a block of <see cref="BlockRows"/> × <see cref="PackedGemm.DepthBlock"/> floats (126 KiB) stays in L2; a multiple of both microkernels' heights.</summary>
    private const int BlockRows = 3 * PackedGemm.RowAlignment;

    [ThreadStatic] private static float[]? s_packed;

    private readonly int _kh, _kw, _cin;
    private readonly int _sh, _sw, _dh, _dw;
    private readonly FusedActivation _activation;
    private readonly PackedGemm _gemm;
    private readonly SmallDepthConv2DKernel? _shallow;

    /// <param name="weightsOhwi">[cout, kh, kw, cin].</param>
    public Conv2DKernel(float[] weightsOhwi, float[]? bias, int cout, int kh, int kw, int cin, int sh, int sw, int dh, int dw, Padding padding, FusedActivation activation)
    {
        (_kh, _kw, _cin, _sh, _sw, _dh, _dw, _activation) = (kh, kw, cin, sh, sw, dh, dw, activation);
        _ = padding; // the padding is implied by the output size (see PadBefore)
        if (SmallDepthConv2DKernel.Applies(kh, kw, cin, cout))
            _shallow = new SmallDepthConv2DKernel(weightsOhwi, bias, cout, kh, kw, cin, sh, sw, dh, dw, activation); // the GEMM below is kept too: at most 32 × cout floats
        _gemm = PreparedWeights.Get($"conv {cout}x{kh}x{kw}x{cin}", weightsOhwi, bias, () => new PackedGemm(weightsOhwi, bias, cout, kh * kw * cin));
    }

    /// <summary>Runs over NHWC input [batch, h, w, cin] into [batch, oh, ow, cout].</summary>
    public void Run(float[] input, int batch, int h, int w, float[] output, int oh, int ow)
    {
        if (_shallow is not null)
        {
            _shallow.Run(input, batch, h, w, output, oh, ow);
            return;
        }

        var geometry = Geometry.Of(h, w, oh, ow, _kh, _kw, _sh, _sw, _dh, _dw);
        bool direct = _kh == 1 && _kw == 1 && _sh == 1 && _sw == 1 && geometry.PadTop == 0 && geometry.PadLeft == 0 && oh == h && ow == w;
        int rows = batch * oh * ow;
        var split = WorkSplit.For(rows, _gemm.Panels);
        var (lo, hi) = Activations.Range(_activation);
        if (!direct && split.PanelGroups > 1 && (long)PackedGemm.RowsPadded(rows) * _gemm.K <= MaxWholeFloats)
        {
            RunPackedOnce(input, geometry, rows, output, split, lo, hi);
            return;
        }

        CoreParallel.For(0, split.Jobs, job =>
        {
            var (r0, r1, p0, p1) = split.Job(job);
            fixed (float* x = input)
            fixed (float* c = output)
            {
                if (direct)
                {
                    DirectRows(x, r0, r1, c, p0, p1, lo, hi);
                    return;
                }

                fixed (float* a = Scratch(BlockRows * PackedGemm.DepthBlock))
                {
                    for (int rb = r0; rb < r1; rb += BlockRows)
                    {
                        int mc = Math.Min(BlockRows, r1 - rb);
                        for (int k0 = 0; k0 < _gemm.K; k0 += PackedGemm.DepthBlock)
                        {
                            int kc = Math.Min(PackedGemm.DepthBlock, _gemm.K - k0);
                            PackIm2Col(x, geometry, rb, mc, k0, kc, a);
                            _gemm.RunBlock(a, kc, mc, k0, kc, c + (long)rb * _gemm.N, p0, p1, lo, hi);
                        }
                    }
                }
            }
        });
    }

    /// <summary>A 1×1 stride-1 convolution without dilation (its output row r is input row r).</summary>
    public bool IsPointwise => _kh == 1 && _kw == 1 && _sh == 1 && _sw == 1;

    /// <summary>Whether <see cref="RunRows"/> applies: a pointwise layer, or a shallow one run directly (MobileNet's stem).</summary>
    public bool RunsRows => IsPointwise || _shallow is not null;

    /// <summary>Output channels.</summary>
    public int OutputChannels => _gemm.N;

    /// <summary>
    /// Output rows [<paramref name="rowFrom"/>, <paramref name="rowTo"/>) (counted over the whole batch, <paramref name="ow"/>
    /// pixels each) of a layer <see cref="RunsRows"/> applies to, from NHWC <paramref name="input"/> [batch, h, w, cin],
    /// on this thread, into <paramref name="dst"/> (the first row's output). The same products in the same order as <see cref="Run"/>.
    /// </summary>
    public void RunRows(float* input, int h, int w, int oh, int ow, int rowFrom, int rowTo, float* dst)
    {
        if (_shallow is not null)
        {
            _shallow.RunRows(input, h, w, oh, ow, rowFrom, rowTo, dst);
            return;
        }

        var (lo, hi) = Activations.Range(_activation);
        DirectRows(input, rowFrom * ow, rowTo * ow, dst - (long)rowFrom * ow * _gemm.N, 0, _gemm.Panels, lo, hi);
    }

    /// <summary>
    /// 1×1 stride 1: GEMM rows (pixels) [r0, r1) into c + row·N, panels [p0, p1); A is the input itself, read in place.
    /// Whole tiles of rows run over the whole depth at once, as XNNPACK does: with no depth blocks, C is written once
    /// per tile rather than stored and reloaded per block (MobileNetV2's 7×7 layers of depth 320-960, one core:
    /// 960→320 0.17 → 0.14 ms, 960→160 0.085 → 0.070 ms). A last partial tile is copied in depth blocks into
    /// zero-padded scratch. The depth blocks do not change any output's order of additions, so the bits are the same.
    /// </summary>
    private void DirectRows(float* x, int r0, int r1, float* c, int p0, int p1, float lo, float hi)
    {
        for (int rb = r0; rb < r1; rb += BlockRows)
        {
            int mc = Math.Min(BlockRows, r1 - rb);
            // Only a last partial row block (past it there may be no input to read) is copied into zero-padded scratch.
            int whole = PackedGemm.UsesTallBlocks(mc) ? mc : mc / PackedGemm.RowBlock * PackedGemm.RowBlock;
            if (whole > 0)
                _gemm.RunBlock(x + (long)rb * _cin, _cin, whole, 0, _gemm.K, c + (long)rb * _gemm.N, p0, p1, lo, hi);
            if (whole == mc) continue;
            fixed (float* a = Scratch(BlockRows * PackedGemm.DepthBlock))
            {
                for (int k0 = 0; k0 < _gemm.K; k0 += PackedGemm.DepthBlock)
                {
                    int kc = Math.Min(PackedGemm.DepthBlock, _gemm.K - k0);
                    PackDirect(x, rb + whole, mc - whole, k0, kc, a);
                    _gemm.RunBlock(a, kc, mc - whole, k0, kc, c + (long)(rb + whole) * _gemm.N, p0, p1, lo, hi);
                }
            }
        }
    }

    /// <summary>Largest im2col matrix packed whole (4 MiB): the 7×7 and 14×14 layers with few rows and deep filters.</summary>
    private const int MaxWholeFloats = 1 << 20;

    [ThreadStatic] private static float[]? s_whole;

    /// <summary>
    /// Layers with few rows split their panels over several jobs; rather than every job packing the same rows again,
    /// the whole im2col matrix [rows, K] is packed once (in parallel by rows), then the jobs multiply it. Each output
    /// sums the same products in the same order as the blocked path, so the results are the same bits.
    /// </summary>
    private void RunPackedOnce(float[] input, Geometry geometry, int rows, float[] output, WorkSplit split, float lo, float hi)
    {
        int k = _gemm.K, rowBlocks = PackedGemm.RowsPadded(rows) / PackedGemm.RowBlock;
        var whole = s_whole;
        if (whole is null || whole.Length < (long)rowBlocks * PackedGemm.RowBlock * k) s_whole = whole = new float[rowBlocks * PackedGemm.RowBlock * k];
        CoreParallel.ForRanges(rowBlocks, (from, to) =>
        {
            int r0 = from * PackedGemm.RowBlock, mc = Math.Min(to * PackedGemm.RowBlock, rows) - r0;
            fixed (float* x = input)
            fixed (float* a = whole)
                PackIm2Col(x, geometry, r0, mc, 0, k, a + (long)r0 * k);
        }, (long)PackedGemm.RowBlock * k);
        CoreParallel.For(0, split.Jobs, job =>
        {
            var (r0, r1, p0, p1) = split.Job(job);
            fixed (float* a = whole)
            fixed (float* c = output)
            {
                for (int rb = r0; rb < r1; rb += BlockRows)
                {
                    int mc = Math.Min(BlockRows, r1 - rb);
                    for (int k0 = 0; k0 < k; k0 += PackedGemm.DepthBlock)
                        _gemm.RunBlock(a + (long)rb * k + k0, k, mc, k0, Math.Min(PackedGemm.DepthBlock, k - k0), c + (long)rb * _gemm.N, p0, p1, lo, hi);
                }
            }
        });
    }

    private static float[] Scratch(int length)
    {
        var s = s_packed;
        if (s is null || s.Length < length) s_packed = s = new float[length];
        return s;
    }

    /// <summary>TFLite's SAME padding before the data (the odd element goes after); 0 for VALID, whose output never needs padding.</summary>
    internal static int PadBefore(int input, int output, int filter, int stride, int dilation)
    {
        int effective = (filter - 1) * dilation + 1;
        int total = Math.Max((output - 1) * stride + effective - input, 0);
        return total / 2;
    }

    /// <summary>Input and output sizes of one image and the padding before the data, as the convolution kernels index them.</summary>
    internal readonly record struct Geometry(int H, int W, int OH, int OW, int PadTop, int PadLeft)
    {
        public static Geometry Of(int h, int w, int oh, int ow, int kh, int kw, int sh, int sw, int dh, int dw) =>
            new(h, w, oh, ow, PadBefore(h, oh, kh, sh, dh), PadBefore(w, ow, kw, sw, dw));
    }

    /// <summary>1×1 stride 1: row r of A is input pixel r; copies depth [k0, k0+kc) of <paramref name="mc"/> rows, zero rows up to a whole row block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PackDirect(float* x, int r0, int mc, int k0, int kc, float* a)
    {
        for (int i = 0; i < mc; i++)
            Buffer.MemoryCopy(x + (long)(r0 + i) * _cin + k0, a + (long)i * kc, kc * 4L, kc * 4L);
        ZeroTail(a, mc, kc);
    }

    /// <summary>im2col of depth [k0, k0+kc) (depth index = (ky·kw + kx)·cin + ci) for output pixels [r0, r0+mc) over the whole batch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PackIm2Col(float* x, Geometry g, int r0, int mc, int k0, int kc, float* a)
    {
        int pixels = g.OH * g.OW, tapRow = _kw * _cin, k1 = k0 + kc;
        for (int i = 0; i < mc; i++)
        {
            int r = r0 + i, b = r / pixels, p = r % pixels, oy = p / g.OW, ox = p % g.OW;
            float* img = x + (long)b * g.H * g.W * _cin;
            float* dst = a + (long)i * kc - k0; // indexed by depth k
            int iyBase = oy * _sh - g.PadTop, ixBase = ox * _sw - g.PadLeft;
            for (int ky = k0 / tapRow; ky < _kh && ky * tapRow < k1; ky++)
            {
                int segStart = ky * tapRow, from = Math.Max(k0, segStart), to = Math.Min(k1, segStart + tapRow);
                int iy = iyBase + ky * _dh;
                if ((uint)iy >= (uint)g.H)
                {
                    new Span<float>(dst + from, to - from).Clear();
                    continue;
                }

                float* line = img + (long)iy * g.W * _cin;
                if (_dw == 1)
                {
                    // Taps kx = 0..kw-1 of this filter row are consecutive input pixels: one contiguous run, zeros outside the image.
                    int validFrom = segStart + Math.Max(0, -ixBase) * _cin, validTo = segStart + Math.Clamp(g.W - ixBase, 0, _kw) * _cin;
                    CopyClipped(dst, from, to, validFrom, validTo, line + (long)ixBase * _cin - segStart);
                }
                else
                {
                    for (int kx = (from - segStart) / _cin; kx < _kw && segStart + kx * _cin < to; kx++)
                    {
                        int tapStart = segStart + kx * _cin, ix = ixBase + kx * _dw;
                        int f = Math.Max(from, tapStart), t = Math.Min(to, tapStart + _cin);
                        if ((uint)ix >= (uint)g.W) new Span<float>(dst + f, t - f).Clear();
                        else Buffer.MemoryCopy(line + (long)ix * _cin + (f - tapStart), dst + f, (t - f) * 4L, (t - f) * 4L);
                    }
                }
            }
        }

        ZeroTail(a, mc, kc);
    }

    /// <summary>dst[k] = src[k] for k in [from, to) ∩ [validFrom, validTo), 0 elsewhere in [from, to).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyClipped(float* dst, int from, int to, int validFrom, int validTo, float* src)
    {
        int copyFrom = Math.Clamp(validFrom, from, to), copyTo = Math.Clamp(validTo, copyFrom, to);
        if (copyFrom > from) new Span<float>(dst + from, copyFrom - from).Clear();
        if (copyTo > copyFrom) Buffer.MemoryCopy(src + copyFrom, dst + copyFrom, (copyTo - copyFrom) * 4L, (copyTo - copyFrom) * 4L);
        if (to > copyTo) new Span<float>(dst + copyTo, to - copyTo).Clear();
    }

    /// <summary>The packed block is read in whole row blocks: rows past <paramref name="mc"/> must be zero.</summary>
    private static void ZeroTail(float* a, int mc, int kc)
    {
        int padded = (mc + PackedGemm.RowBlock - 1) / PackedGemm.RowBlock * PackedGemm.RowBlock;
        if (padded > mc) new Span<float>(a + (long)mc * kc, (padded - mc) * kc).Clear();
    }
}
