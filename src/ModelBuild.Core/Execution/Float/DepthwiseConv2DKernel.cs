using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Execution.Float;

/// <summary>
/// Float DEPTHWISE_CONV_2D, direct: NHWC keeps channels contiguous, so each output pixel accumulates blocks of
/// 32 channels in four AVX registers across all filter taps (loaded and stored once). Parallel over output rows.
/// 3×3 rows of at least 16 channels run 512-bit where the machine has it (<see cref="WideDepthwiseRow"/>).
/// Depth multipliers above 1 take a plain loop (rare in real models).
/// </summary>
internal sealed unsafe class DepthwiseConv2DKernel(
    float[] weights, float[]? bias, int kh, int kw, int cin, int multiplier, int sh, int sw, int dh, int dw, FusedActivation activation)
{
    /// <summary>The weights [kh·kw][cout] and the bias (zeros for none) in one <see cref="HugePageMemory"/> block.</summary>
    private readonly HugePageMemory _parameters = Parameters(weights, bias ?? new float[cin * multiplier]);

    private static HugePageMemory Parameters(float[] weights, float[] bias)
    {
        var block = HugePageMemory.Allocate(weights.Length + bias.Length);
        weights.AsSpan().CopyTo(new Span<float>(block.Pointer, weights.Length));
        bias.AsSpan().CopyTo(new Span<float>(block.Pointer + weights.Length, bias.Length));
        return block;
    }

    public void Run(float[] input, int batch, int h, int w, float[] output, int oh, int ow)
    {
        var plan = Plan(h, w, oh, ow);
        CoreParallel.For(0, batch * oh, job =>
        {
            int b = job / oh, oy = job % oh;
            fixed (float* inBase = input)
            fixed (float* outBase = output)
                Rows(plan, inBase + (long)b * h * w * cin, oy, oy + 1, outBase + (long)b * oh * ow * cin * multiplier);
        });
    }

    /// <summary>Input channels.</summary>
    public int Channels => cin;

    /// <summary>Whether this is a 3×3 depthwise layer without dilation or multiplier (the layer a pointwise expansion can feed row by row).</summary>
    public bool Is3x3 => kh == 3 && kw == 3 && dh == 1 && dw == 1 && multiplier == 1;

    /// <summary>Rows of input a band of output rows [oy0, oy1) reads: [first, last) clipped to the image.</summary>
    public (int First, int Last) InputRows(RowPlan plan, int oy0, int oy1) =>
        (Math.Max(0, oy0 * sh - plan.PadTop), Math.Min(plan.H, (oy1 - 1) * sh - plan.PadTop + (kh - 1) * dh + 1));

    /// <summary>Input rows a band of <paramref name="outputRows"/> output rows spans, before clipping to the image.</summary>
    public int InputRowsSpanned(int outputRows) => (outputRows - 1) * sh + (kh - 1) * dh + 1;

    /// <summary>One image's sizes, padding and the span of output columns whose 3 input columns are inside the image.</summary>
    internal readonly record struct RowPlan(int H, int W, int OW, int PadTop, int PadLeft, int InteriorFrom, int InteriorTo, float Lo, float Hi);

    public RowPlan Plan(int h, int w, int oh, int ow)
    {
        int padTop = Conv2DKernel.PadBefore(h, oh, kh, sh, dh), padLeft = Conv2DKernel.PadBefore(w, ow, kw, sw, dw);
        var (lo, hi) = Activations.Range(activation);
        // 3×3 without dilation or multiplier (MobileNets): the interior of each output row runs channel block by
        // channel block with the nine taps' weights held in registers; the edge columns take the per-pixel path.
        bool rows3x3 = Is3x3 && cin >= 8;
        int xa = Math.Min(ow, (padLeft + sw - 1) / sw), xb = Math.Max(xa, Math.Min(ow, w - 3 + padLeft >= 0 ? (w - 3 + padLeft) / sw + 1 : 0));
        return rows3x3 ? new RowPlan(h, w, ow, padTop, padLeft, xa, xb, lo, hi) : new RowPlan(h, w, ow, padTop, padLeft, ow, ow, lo, hi);
    }

    /// <summary>
    /// Output rows [<paramref name="oy0"/>, <paramref name="oy1"/>) of one image, on this thread. <paramref name="img"/>
    /// is the image's input (its row r at img + r·w·cin; only the rows <see cref="InputRows"/> names are read), and
    /// <paramref name="dstImage"/> its output.
    /// </summary>
    public void Rows(RowPlan plan, float* img, int oy0, int oy1, float* dstImage)
    {
        int cout = cin * multiplier;
        float* wBase = _parameters.Pointer, biasBase = wBase + (long)kh * kw * cin * multiplier;
        for (int oy = oy0; oy < oy1; oy++)
        {
            float* dstRow = dstImage + (long)oy * plan.OW * cout;
            int iy0 = oy * sh - plan.PadTop;
            for (int ox = 0; ox < plan.OW; ox++)
            {
                if (ox == plan.InteriorFrom && plan.InteriorTo > plan.InteriorFrom)
                {
                    Row3x3(img, plan.H, plan.W, iy0, plan.InteriorFrom * sw - plan.PadLeft, plan.InteriorTo - plan.InteriorFrom, wBase, biasBase, dstRow + (long)ox * cout, plan.Lo, plan.Hi);
                    ox = plan.InteriorTo - 1;
                    continue;
                }

                float* dst = dstRow + (long)ox * cout;
                int ix0 = ox * sw - plan.PadLeft;
                if (multiplier == 1) Pixel(img, plan.H, plan.W, iy0, ix0, wBase, biasBase, dst, plan.Lo, plan.Hi);
                else PixelWithMultiplier(img, plan.H, plan.W, iy0, ix0, wBase, biasBase, dst, plan.Lo, plan.Hi);
            }
        }

        _parameters.KeepAlive();
    }

    /// <summary>
    /// <paramref name="count"/> consecutive output pixels of one row whose 3 input columns are all inside the image
    /// (the first at input column <paramref name="ix0"/>); input rows outside the image read as zeros. Per 8-channel
    /// block the 9 weight vectors stay in registers and 4 output pixels are computed at once, each with two
    /// accumulators (8 independent FMA chains keep both FMA pipes busy).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Row3x3(float* img, int h, int w, int iy0, int ix0, int count, float* wBase, float* biasBase, float* dst, float lo, float hi)
    {
        int c = cin;
        long pix = (long)sw * c;
        var zeros = ZeroRow(3 * c);
        fixed (float* zero = zeros)
        {
            // Rows outside the image point at a zero row read with a column step of 0.
            float* r0 = (uint)iy0 < (uint)h ? img + ((long)iy0 * w + ix0) * c : zero;
            float* r1 = (uint)(iy0 + 1) < (uint)h ? img + ((long)(iy0 + 1) * w + ix0) * c : zero;
            float* r2 = (uint)(iy0 + 2) < (uint)h ? img + ((long)(iy0 + 2) * w + ix0) * c : zero;
            long s0 = r0 == zero ? 0 : pix, s1 = r1 == zero ? 0 : pix, s2 = r2 == zero ? 0 : pix;
            if (WideDepthwiseRow.Supported && c >= 16)
            {
                WideDepthwiseRow.Row3x3(r0, r1, r2, s0, s1, s2, sw, c, count, wBase, biasBase, dst, lo, hi);
                return;
            }

            var vlo = Vector256.Create(lo);
            var vhi = Vector256.Create(hi);
            for (int ch = 0; ch < c; ch += 8)
            {
                // A ragged last block is shifted back to end at the last channel (its overlap is computed twice, identically).
                int cb = Math.Min(ch, c - 8);
                float* k = wBase + cb;
                var w00 = Vector256.Load(k);
                var w01 = Vector256.Load(k + c);
                var w02 = Vector256.Load(k + 2 * c);
                var w10 = Vector256.Load(k + 3 * c);
                var w11 = Vector256.Load(k + 4 * c);
                var w12 = Vector256.Load(k + 5 * c);
                var w20 = Vector256.Load(k + 6 * c);
                var w21 = Vector256.Load(k + 7 * c);
                var w22 = Vector256.Load(k + 8 * c);
                var bias = Vector256.Load(biasBase + cb);
                float* p0 = r0 + cb, p1 = r1 + cb, p2 = r2 + cb, d = dst + cb;
                int x = 0;
                for (; x + 4 <= count; x += 4, p0 += 4 * s0, p1 += 4 * s1, p2 += 4 * s2, d += 4L * c)
                {
                    var a0 = bias; var a1 = bias; var a2 = bias; var a3 = bias;
                    var b0 = Vector256<float>.Zero; var b1 = b0; var b2 = b0; var b3 = b0;
                    a0 = Tap3(p0, c, w00, w01, w02, a0); b0 = Tap3(p1, c, w10, w11, w12, b0); a0 = Tap3(p2, c, w20, w21, w22, a0);
                    a1 = Tap3(p0 + s0, c, w00, w01, w02, a1); b1 = Tap3(p1 + s1, c, w10, w11, w12, b1); a1 = Tap3(p2 + s2, c, w20, w21, w22, a1);
                    a2 = Tap3(p0 + 2 * s0, c, w00, w01, w02, a2); b2 = Tap3(p1 + 2 * s1, c, w10, w11, w12, b2); a2 = Tap3(p2 + 2 * s2, c, w20, w21, w22, a2);
                    a3 = Tap3(p0 + 3 * s0, c, w00, w01, w02, a3); b3 = Tap3(p1 + 3 * s1, c, w10, w11, w12, b3); a3 = Tap3(p2 + 3 * s2, c, w20, w21, w22, a3);
                    Activations.Clamp(a0 + b0, vlo, vhi).Store(d);
                    Activations.Clamp(a1 + b1, vlo, vhi).Store(d + c);
                    Activations.Clamp(a2 + b2, vlo, vhi).Store(d + 2 * c);
                    Activations.Clamp(a3 + b3, vlo, vhi).Store(d + 3 * c);
                }

                for (; x < count; x++, p0 += s0, p1 += s1, p2 += s2, d += c)
                {
                    var a = Tap3(p0, c, w00, w01, w02, bias);
                    var bb = Tap3(p1, c, w10, w11, w12, Vector256<float>.Zero);
                    a = Tap3(p2, c, w20, w21, w22, a);
                    Activations.Clamp(a + bb, vlo, vhi).Store(d);
                }
            }
        }
    }

    /// <summary>acc + the three taps of one filter row: input pixels p, p + c, p + 2c (a zero row reads p three times).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Tap3(float* p, int c, Vector256<float> k0, Vector256<float> k1, Vector256<float> k2, Vector256<float> acc)
    {
        acc = PackedGemm.Fma(Vector256.Load(p), k0, acc);
        acc = PackedGemm.Fma(Vector256.Load(p + c), k1, acc);
        return PackedGemm.Fma(Vector256.Load(p + 2 * c), k2, acc);
    }

    [ThreadStatic] private static float[]? s_zeroRow;

    private static float[] ZeroRow(int length)
    {
        var z = s_zeroRow;
        if (z is null || z.Length < length) s_zeroRow = z = new float[length];
        return z;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Pixel(float* img, int h, int w, int iy0, int ix0, float* wBase, float* biasBase, float* dst, float lo, float hi)
    {
        int c = cin;
        var vlo = Vector256.Create(lo);
        var vhi = Vector256.Create(hi);
        int ch = 0;
        for (; ch + 32 <= c; ch += 32)
        {
            var a0 = Vector256.Load(biasBase + ch);
            var a1 = Vector256.Load(biasBase + ch + 8);
            var a2 = Vector256.Load(biasBase + ch + 16);
            var a3 = Vector256.Load(biasBase + ch + 24);
            for (int ky = 0; ky < kh; ky++)
            {
                int iy = iy0 + ky * dh;
                if ((uint)iy >= (uint)h) continue;
                for (int kx = 0; kx < kw; kx++)
                {
                    int ix = ix0 + kx * dw;
                    if ((uint)ix >= (uint)w) continue;
                    float* s = img + ((long)iy * w + ix) * c + ch;
                    float* k = wBase + (ky * kw + kx) * c + ch;
                    a0 = PackedGemm.Fma(Vector256.Load(s), Vector256.Load(k), a0);
                    a1 = PackedGemm.Fma(Vector256.Load(s + 8), Vector256.Load(k + 8), a1);
                    a2 = PackedGemm.Fma(Vector256.Load(s + 16), Vector256.Load(k + 16), a2);
                    a3 = PackedGemm.Fma(Vector256.Load(s + 24), Vector256.Load(k + 24), a3);
                }
            }

            Activations.Clamp(a0, vlo, vhi).Store(dst + ch);
            Activations.Clamp(a1, vlo, vhi).Store(dst + ch + 8);
            Activations.Clamp(a2, vlo, vhi).Store(dst + ch + 16);
            Activations.Clamp(a3, vlo, vhi).Store(dst + ch + 24);
        }

        for (; ch + 8 <= c; ch += 8)
        {
            var a0 = Vector256.Load(biasBase + ch);
            for (int ky = 0; ky < kh; ky++)
            {
                int iy = iy0 + ky * dh;
                if ((uint)iy >= (uint)h) continue;
                for (int kx = 0; kx < kw; kx++)
                {
                    int ix = ix0 + kx * dw;
                    if ((uint)ix >= (uint)w) continue;
                    a0 = PackedGemm.Fma(Vector256.Load(img + ((long)iy * w + ix) * c + ch), Vector256.Load(wBase + (ky * kw + kx) * c + ch), a0);
                }
            }

            Activations.Clamp(a0, vlo, vhi).Store(dst + ch);
        }

        for (; ch < c; ch++)
        {
            float acc = biasBase[ch];
            for (int ky = 0; ky < kh; ky++)
            {
                int iy = iy0 + ky * dh;
                if ((uint)iy >= (uint)h) continue;
                for (int kx = 0; kx < kw; kx++)
                {
                    int ix = ix0 + kx * dw;
                    if ((uint)ix < (uint)w) acc += img[((long)iy * w + ix) * c + ch] * wBase[(ky * kw + kx) * c + ch];
                }
            }

            dst[ch] = Math.Clamp(acc, lo, hi);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PixelWithMultiplier(float* img, int h, int w, int iy0, int ix0, float* wBase, float* biasBase, float* dst, float lo, float hi)
    {
        int cout = cin * multiplier;
        new Span<float>(biasBase, cout).CopyTo(new Span<float>(dst, cout));
        for (int ky = 0; ky < kh; ky++)
        {
            int iy = iy0 + ky * dh;
            if ((uint)iy >= (uint)h) continue;
            for (int kx = 0; kx < kw; kx++)
            {
                int ix = ix0 + kx * dw;
                if ((uint)ix >= (uint)w) continue;
                float* src = img + ((long)iy * w + ix) * cin;
                float* wt = wBase + (ky * kw + kx) * cout;
                for (int c = 0; c < cin; c++)
                    for (int m = 0; m < multiplier; m++)
                        dst[c * multiplier + m] += src[c] * wt[c * multiplier + m];
            }
        }

        for (int c = 0; c < cout; c++) dst[c] = Math.Clamp(dst[c], lo, hi);
    }
}
