using System.Runtime.Intrinsics;
using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Execution.Float;

/// <summary>Float DEPTHWISE_CONV_2D, direct, vectorized over channels (NHWC keeps them contiguous), parallel over rows.</summary>
internal sealed unsafe class DepthwiseConv2DKernel(
    float[] weights, float[]? bias, int kh, int kw, int cin, int multiplier, int sh, int sw, int dh, int dw, FusedActivation activation)
{
    private readonly float[] _bias = bias ?? new float[cin * multiplier];

    public void Run(float[] input, int batch, int h, int w, float[] output, int oh, int ow)
    {
        int cout = cin * multiplier;
        int padTop = Conv2DKernel.PadBefore(h, oh, kh, sh, dh), padLeft = Conv2DKernel.PadBefore(w, ow, kw, sw, dw);
        var (lo, hi) = Activations.Range(activation);
        Parallel.For(0, batch * oh, job =>
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
                    new Span<float>(biasBase, cout).CopyTo(new Span<float>(dst, cout));
                    for (int ky = 0; ky < kh; ky++)
                    {
                        int iy = oy * sh - padTop + ky * dh;
                        if (iy < 0 || iy >= h) continue;
                        for (int kx = 0; kx < kw; kx++)
                        {
                            int ix = ox * sw - padLeft + kx * dw;
                            if (ix < 0 || ix >= w) continue;
                            float* src = img + ((long)iy * w + ix) * cin;
                            float* wt = wBase + (ky * kw + kx) * cout;
                            if (multiplier == 1) Accumulate(dst, src, wt, cout);
                            else
                                for (int c = 0; c < cin; c++)
                                    for (int m = 0; m < multiplier; m++)
                                        dst[c * multiplier + m] += src[c] * wt[c * multiplier + m];
                        }
                    }

                    for (int c = 0; c < cout; c++) dst[c] = Math.Clamp(dst[c], lo, hi);
                }
            }
        });
    }

    private static void Accumulate(float* dst, float* src, float* wt, int n)
    {
        int c = 0;
        for (; c + 8 <= n; c += 8)
            Conv2DKernel.Fma(Vector256.Load(src + c), Vector256.Load(wt + c), Vector256.Load(dst + c)).Store(dst + c);
        for (; c < n; c++) dst[c] += src[c] * wt[c];
    }
}
