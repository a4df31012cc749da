using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Execution.Float;

/// <summary>
/// Float DEPTHWISE_CONV_2D, direct: NHWC keeps channels contiguous, so each output pixel accumulates blocks of
/// 32 channels in four AVX registers across all filter taps (loaded and stored once). Parallel over output rows.
/// Depth multipliers above 1 take a plain loop (rare in real models).
/// </summary>
internal sealed unsafe class DepthwiseConv2DKernel(
    float[] weights, float[]? bias, int kh, int kw, int cin, int multiplier, int sh, int sw, int dh, int dw, FusedActivation activation)
{
    private readonly float[] _bias = bias ?? new float[cin * multiplier];

    public void Run(float[] input, int batch, int h, int w, float[] output, int oh, int ow)
    {
        int cout = cin * multiplier;
        int padTop = Conv2DKernel.PadBefore(h, oh, kh, sh, dh), padLeft = Conv2DKernel.PadBefore(w, ow, kw, sw, dw);
        var (lo, hi) = Activations.Range(activation);
        CoreParallel.For(0, batch * oh, job =>
        {
            int b = job / oh, oy = job % oh;
            fixed (float* inBase = input)
            fixed (float* outBase = output)
            fixed (float* wBase = weights)
            fixed (float* biasBase = _bias)
            {
                float* img = inBase + (long)b * h * w * cin;
                for (int ox = 0; ox < ow; ox++)
                {
                    float* dst = outBase + (((long)b * oh + oy) * ow + ox) * cout;
                    int iy0 = oy * sh - padTop, ix0 = ox * sw - padLeft;
                    if (multiplier == 1) Pixel(img, h, w, iy0, ix0, wBase, biasBase, dst, lo, hi);
                    else PixelWithMultiplier(img, h, w, iy0, ix0, wBase, biasBase, dst, lo, hi);
                }
            }
        });
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

            Vector256.Min(Vector256.Max(a0, vlo), vhi).Store(dst + ch);
            Vector256.Min(Vector256.Max(a1, vlo), vhi).Store(dst + ch + 8);
            Vector256.Min(Vector256.Max(a2, vlo), vhi).Store(dst + ch + 16);
            Vector256.Min(Vector256.Max(a3, vlo), vhi).Store(dst + ch + 24);
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

            Vector256.Min(Vector256.Max(a0, vlo), vhi).Store(dst + ch);
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
