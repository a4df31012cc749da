using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Execution.Float;

/// <summary>
/// Float CONV_2D with a shallow filter (kh·kw·cin ≤ <see cref="MaxDepth"/>, e.g. MobileNet's 3×3 stride-2 stem on
/// RGB input) computed directly: no im2col copy, and for each output pixel every tap is read once per 32 output
/// channels held in 4 vector registers (two pixels at a time, 8 independent FMA chains). As a GEMM such a layer has
/// depth 27, so the packing of 27-float rows and the per-tile overhead cost more than the multiplications.
/// Each output sums bias + taps in the order (ky, kx, ci) as the GEMM of <see cref="Conv2DKernel"/> does (taps
/// outside the image are skipped rather than multiplied by zero), so the results are the same. With 512-bit vectors
/// accelerated, eight or four interior pixels run at once (<see cref="Pixels8"/>, <see cref="Pixels4"/>).
/// (Over 300 lines: the pixel-group kernels are written out register by register, one per group size.)
/// </summary>
[SkipLocalsInit]
internal sealed unsafe class SmallDepthConv2DKernel
{
    /// <summary>Largest kh·kw·cin run here; deeper filters keep the GEMM, which is efficient at that depth.</summary>
    public const int MaxDepth = 32;

    /// <summary>Output channels per pass: 4 vectors of 8.</summary>
    private const int Block = 32;

    private readonly int _kh, _kw, _cin, _cout, _sh, _sw, _dh, _dw;
    private readonly float[] _weights;
    private readonly float[] _bias;
    private readonly FusedActivation _activation;

    /// <summary>Whether a layer runs here: a shallow filter and output channels in whole blocks of 32.</summary>
    public static bool Applies(int kh, int kw, int cin, int cout) =>
        kh * kw * cin <= MaxDepth && cout % Block == 0 && Vector256.IsHardwareAccelerated;

    /// <param name="weightsOhwi">[cout, kh, kw, cin].</param>
    public SmallDepthConv2DKernel(float[] weightsOhwi, float[]? bias, int cout, int kh, int kw, int cin, int sh, int sw, int dh, int dw, FusedActivation activation)
    {
        (_kh, _kw, _cin, _cout, _sh, _sw, _dh, _dw, _activation) = (kh, kw, cin, cout, sh, sw, dh, dw, activation);
        int depth = kh * kw * cin;
        // [block][tap][32]: the 32 outputs of one tap are one contiguous run of 4 vectors.
        _weights = new float[cout * depth];
        for (int o = 0; o < cout; o++)
            for (int t = 0; t < depth; t++)
                _weights[((long)(o / Block) * depth + t) * Block + o % Block] = weightsOhwi[(long)o * depth + t];
        _bias = new float[cout];
        if (bias is not null) Array.Copy(bias, _bias, cout);
    }

    /// <summary>Runs over NHWC input [batch, h, w, cin] into [batch, oh, ow, cout] (SAME or VALID padding, implied by the sizes).</summary>
    public void Run(float[] input, int batch, int h, int w, float[] output, int oh, int ow)
    {
        var g = Conv2DKernel.Geometry.Of(h, w, oh, ow, _kh, _kw, _sh, _sw, _dh, _dw);
        CoreParallel.ForRanges(batch * oh, (from, to) =>
        {
            fixed (float* x = input)
            fixed (float* y = output)
                for (int row = from; row < to; row++)
                    Row(x, g, row, y + (long)row * ow * _cout);
        }, (long)ow * _cout * _kh * _kw * _cin);
    }

    /// <summary>Output rows [<paramref name="rowFrom"/>, <paramref name="rowTo"/>) (image·oh + oy) of input [batch, h, w, cin], on this thread, into <paramref name="dst"/> (the first row's output).</summary>
    public void RunRows(float* input, int h, int w, int oh, int ow, int rowFrom, int rowTo, float* dst)
    {
        var g = Conv2DKernel.Geometry.Of(h, w, oh, ow, _kh, _kw, _sh, _sw, _dh, _dw);
        for (int row = rowFrom; row < rowTo; row++)
            Row(input, g, row, dst + (long)(row - rowFrom) * ow * _cout);
    }

    /// <summary>Output row <paramref name="row"/> (image row·oh + oy) into <paramref name="dst"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Row(float* x, Conv2DKernel.Geometry g, int row, float* dst)
    {
        int b = row / g.OH, oy = row % g.OH, iy0 = oy * _sh - g.PadTop;
        float* img = x + (long)b * g.H * g.W * _cin;
        var (ky0, ky1) = Valid(iy0, _kh, _dh, g.H);
        var (lo, hi) = Activations.Range(_activation);
        for (int ox = 0; ox < g.OW;)
        {
            int ix0 = ox * _sw - g.PadLeft;
            var (kx0, kx1) = Valid(ix0, _kw, _dw, g.W);
            bool pair = ox + 1 < g.OW && kx0 == 0 && kx1 == _kw && ix0 + _sw + (_kw - 1) * _dw < g.W;
            if (Wide && pair && ox + 7 < g.OW && ix0 + 7 * _sw + (_kw - 1) * _dw < g.W)
            {
                for (int cb = 0; cb < _cout; cb += Block)
                    Pixels8(img, g.W, iy0, ix0, ky0, ky1, cb, dst + (long)ox * _cout + cb, lo, hi);
                ox += 8;
                continue;
            }

            if (Wide && pair && ox + 3 < g.OW && ix0 + 3 * _sw + (_kw - 1) * _dw < g.W)
            {
                for (int cb = 0; cb < _cout; cb += Block)
                    Pixels4(img, g.W, iy0, ix0, ky0, ky1, cb, dst + (long)ox * _cout + cb, lo, hi);
                ox += 4;
                continue;
            }

            for (int cb = 0; cb < _cout; cb += Block)
            {
                if (pair) Pixels2(img, g.W, iy0, ix0, ky0, ky1, cb, dst + (long)ox * _cout + cb, lo, hi);
                else Pixel1(img, g.W, iy0, ix0, ky0, ky1, kx0, kx1, cb, dst + (long)ox * _cout + cb, lo, hi);
            }

            ox += pair ? 2 : 1;
        }
    }

    /// <summary>The taps [k0, k1) of a filter of <paramref name="k"/> taps at dilation <paramref name="d"/> that land inside [0, size) from <paramref name="start"/>.</summary>
    private static (int K0, int K1) Valid(int start, int k, int d, int size)
    {
        int k0 = start >= 0 ? 0 : (-start + d - 1) / d;
        int k1 = start + (k - 1) * d < size ? k : start >= size ? 0 : (size - 1 - start) / d + 1;
        return (k0, Math.Max(k0, k1));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Pixel1(float* img, int w, int iy0, int ix0, int ky0, int ky1, int kx0, int kx1, int cb, float* dst, float lo, float hi)
    {
        int depth = _kh * _kw * _cin;
        fixed (float* weights = _weights)
        fixed (float* bias = _bias)
        {
            float* wb = weights + (long)cb / Block * depth * Block;
            var c0 = Vector256.Load(bias + cb);
            var c1 = Vector256.Load(bias + cb + 8);
            var c2 = Vector256.Load(bias + cb + 16);
            var c3 = Vector256.Load(bias + cb + 24);
            for (int ky = ky0; ky < ky1; ky++)
            {
                float* line = img + (long)(iy0 + ky * _dh) * w * _cin;
                for (int kx = kx0; kx < kx1; kx++)
                {
                    float* px = line + (long)(ix0 + kx * _dw) * _cin;
                    float* wt = wb + (ky * _kw + kx) * _cin * Block;
                    for (int ci = 0; ci < _cin; ci++, wt += Block)
                    {
                        var v = Vector256.Create(px[ci]);
                        c0 = PackedGemm.Fma(v, Vector256.Load(wt), c0);
                        c1 = PackedGemm.Fma(v, Vector256.Load(wt + 8), c1);
                        c2 = PackedGemm.Fma(v, Vector256.Load(wt + 16), c2);
                        c3 = PackedGemm.Fma(v, Vector256.Load(wt + 24), c3);
                    }
                }
            }

            Store(c0, c1, c2, c3, dst, lo, hi);
        }
    }

    /// <summary>Two neighbouring output pixels whose filter columns are all inside the image.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Pixels2(float* img, int w, int iy0, int ix0, int ky0, int ky1, int cb, float* dst, float lo, float hi)
    {
        int depth = _kh * _kw * _cin, step = _sw * _cin;
        fixed (float* weights = _weights)
        fixed (float* bias = _bias)
        {
            float* wb = weights + (long)cb / Block * depth * Block;
            var a0 = Vector256.Load(bias + cb);
            var a1 = Vector256.Load(bias + cb + 8);
            var a2 = Vector256.Load(bias + cb + 16);
            var a3 = Vector256.Load(bias + cb + 24);
            Vector256<float> b0 = a0, b1 = a1, b2 = a2, b3 = a3;
            for (int ky = ky0; ky < ky1; ky++)
            {
                float* line = img + ((long)(iy0 + ky * _dh) * w + ix0) * _cin;
                float* wt = wb + ky * _kw * _cin * Block;
                for (int kx = 0; kx < _kw; kx++)
                {
                    float* px = line + kx * _dw * _cin;
                    for (int ci = 0; ci < _cin; ci++, wt += Block)
                    {
                        var w0 = Vector256.Load(wt);
                        var w1 = Vector256.Load(wt + 8);
                        var w2 = Vector256.Load(wt + 16);
                        var w3 = Vector256.Load(wt + 24);
                        var u = Vector256.Create(px[ci]);
                        var v = Vector256.Create(px[ci + step]);
                        a0 = PackedGemm.Fma(u, w0, a0);
                        a1 = PackedGemm.Fma(u, w1, a1);
                        a2 = PackedGemm.Fma(u, w2, a2);
                        a3 = PackedGemm.Fma(u, w3, a3);
                        b0 = PackedGemm.Fma(v, w0, b0);
                        b1 = PackedGemm.Fma(v, w1, b1);
                        b2 = PackedGemm.Fma(v, w2, b2);
                        b3 = PackedGemm.Fma(v, w3, b3);
                    }
                }
            }

            Store(a0, a1, a2, a3, dst, lo, hi);
            Store(b0, b1, b2, b3, dst + _cout, lo, hi);
        }
    }

    /// <summary>Whether four pixels run at once in 512-bit registers (the cores run 512-bit FMAs at full rate, see <see cref="WideMicrokernels"/>).</summary>
    private static readonly bool Wide = Vector512.IsHardwareAccelerated;

    /// <summary>
    /// Four neighbouring output pixels whose filter columns are all inside the image, 32 outputs each in two 512-bit
    /// registers (8 independent FMA chains); the same products in the same order as <see cref="Pixels2"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Pixels4(float* img, int w, int iy0, int ix0, int ky0, int ky1, int cb, float* dst, float lo, float hi)
    {
        int depth = _kh * _kw * _cin, step = _sw * _cin;
        fixed (float* weights = _weights)
        fixed (float* bias = _bias)
        {
            float* wb = weights + (long)cb / Block * depth * Block;
            var a0 = Vector512.Load(bias + cb);
            var a1 = Vector512.Load(bias + cb + 16);
            Vector512<float> b0 = a0, b1 = a1, c0 = a0, c1 = a1, d0 = a0, d1 = a1;
            for (int ky = ky0; ky < ky1; ky++)
            {
                float* line = img + ((long)(iy0 + ky * _dh) * w + ix0) * _cin;
                float* wt = wb + ky * _kw * _cin * Block;
                for (int kx = 0; kx < _kw; kx++)
                {
                    float* px = line + kx * _dw * _cin;
                    for (int ci = 0; ci < _cin; ci++, wt += Block)
                    {
                        var w0 = Vector512.Load(wt);
                        var w1 = Vector512.Load(wt + 16);
                        var u = Vector512.Create(px[ci]);
                        a0 = Vector512.FusedMultiplyAdd(u, w0, a0);
                        a1 = Vector512.FusedMultiplyAdd(u, w1, a1);
                        u = Vector512.Create(px[ci + step]);
                        b0 = Vector512.FusedMultiplyAdd(u, w0, b0);
                        b1 = Vector512.FusedMultiplyAdd(u, w1, b1);
                        u = Vector512.Create(px[ci + 2 * step]);
                        c0 = Vector512.FusedMultiplyAdd(u, w0, c0);
                        c1 = Vector512.FusedMultiplyAdd(u, w1, c1);
                        u = Vector512.Create(px[ci + 3 * step]);
                        d0 = Vector512.FusedMultiplyAdd(u, w0, d0);
                        d1 = Vector512.FusedMultiplyAdd(u, w1, d1);
                    }
                }
            }

            Store(a0, a1, dst, lo, hi);
            Store(b0, b1, dst + _cout, lo, hi);
            Store(c0, c1, dst + 2 * _cout, lo, hi);
            Store(d0, d1, dst + 3 * _cout, lo, hi);
        }
    }

    /// <summary>
    /// <see cref="Pixels4"/> for eight neighbouring pixels (16 independent FMA chains; each tap's two weight vectors
    /// loaded once for eight pixels): the same products in the same order for each pixel.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Pixels8(float* img, int w, int iy0, int ix0, int ky0, int ky1, int cb, float* dst, float lo, float hi)
    {
        int depth = _kh * _kw * _cin, step = _sw * _cin;
        fixed (float* weights = _weights)
        fixed (float* bias = _bias)
        {
            float* wb = weights + (long)cb / Block * depth * Block;
            var a0 = Vector512.Load(bias + cb);
            var a1 = Vector512.Load(bias + cb + 16);
            Vector512<float> b0 = a0, b1 = a1, c0 = a0, c1 = a1, d0 = a0, d1 = a1, e0 = a0, e1 = a1, f0 = a0, f1 = a1, g0 = a0, g1 = a1, h0 = a0, h1 = a1;
            for (int ky = ky0; ky < ky1; ky++)
            {
                float* line = img + ((long)(iy0 + ky * _dh) * w + ix0) * _cin;
                float* wt = wb + ky * _kw * _cin * Block;
                for (int kx = 0; kx < _kw; kx++)
                {
                    float* px = line + kx * _dw * _cin;
                    for (int ci = 0; ci < _cin; ci++, wt += Block, px++)
                    {
                        var w0 = Vector512.Load(wt);
                        var w1 = Vector512.Load(wt + 16);
                        var u = Vector512.Create(px[0]);
                        a0 = Vector512.FusedMultiplyAdd(u, w0, a0);
                        a1 = Vector512.FusedMultiplyAdd(u, w1, a1);
                        u = Vector512.Create(px[step]);
                        b0 = Vector512.FusedMultiplyAdd(u, w0, b0);
                        b1 = Vector512.FusedMultiplyAdd(u, w1, b1);
                        u = Vector512.Create(px[2 * step]);
                        c0 = Vector512.FusedMultiplyAdd(u, w0, c0);
                        c1 = Vector512.FusedMultiplyAdd(u, w1, c1);
                        u = Vector512.Create(px[3 * step]);
                        d0 = Vector512.FusedMultiplyAdd(u, w0, d0);
                        d1 = Vector512.FusedMultiplyAdd(u, w1, d1);
                        u = Vector512.Create(px[4 * step]);
                        e0 = Vector512.FusedMultiplyAdd(u, w0, e0);
                        e1 = Vector512.FusedMultiplyAdd(u, w1, e1);
                        u = Vector512.Create(px[5 * step]);
                        f0 = Vector512.FusedMultiplyAdd(u, w0, f0);
                        f1 = Vector512.FusedMultiplyAdd(u, w1, f1);
                        u = Vector512.Create(px[6 * step]);
                        g0 = Vector512.FusedMultiplyAdd(u, w0, g0);
                        g1 = Vector512.FusedMultiplyAdd(u, w1, g1);
                        u = Vector512.Create(px[7 * step]);
                        h0 = Vector512.FusedMultiplyAdd(u, w0, h0);
                        h1 = Vector512.FusedMultiplyAdd(u, w1, h1);
                    }
                }
            }

            Store(a0, a1, dst, lo, hi);
            Store(b0, b1, dst + _cout, lo, hi);
            Store(c0, c1, dst + 2 * _cout, lo, hi);
            Store(d0, d1, dst + 3 * _cout, lo, hi);
            Store(e0, e1, dst + 4 * _cout, lo, hi);
            Store(f0, f1, dst + 5 * _cout, lo, hi);
            Store(g0, g1, dst + 6 * _cout, lo, hi);
            Store(h0, h1, dst + 7 * _cout, lo, hi);
        }
    }

    /// <summary>One pixel's 32 outputs from two 512-bit registers, clamped (<see cref="Pixels4"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector512<float> c0, Vector512<float> c1, float* dst, float lo, float hi)
    {
        var vlo = Vector512.Create(lo);
        var vhi = Vector512.Create(hi);
        Activations.Clamp(c0, vlo, vhi).Store(dst);
        Activations.Clamp(c1, vlo, vhi).Store(dst + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector256<float> c0, Vector256<float> c1, Vector256<float> c2, Vector256<float> c3, float* dst, float lo, float hi)
    {
        var vlo = Vector256.Create(lo);
        var vhi = Vector256.Create(hi);
        Activations.Clamp(c0, vlo, vhi).Store(dst);
        Activations.Clamp(c1, vlo, vhi).Store(dst + 8);
        Activations.Clamp(c2, vlo, vhi).Store(dst + 16);
        Activations.Clamp(c3, vlo, vhi).Store(dst + 24);
    }
}
