using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Execution.Float;

/// <summary>
/// TRANSPOSE_CONV on NHWC data, OHWI weights: every input pixel scatters its kernel-weighted values into the output
/// window starting at (iy·stride − padTop, ix·stride − padLeft), the padding TFLite derives from the output size.
/// </summary>
internal static class TransposeConvKernel
{
    /// <summary>TFLite: the padding of the forward convolution that maps the output size back to the input size.</summary>
    public static int PaddingBefore(Padding padding, int stride, int filter, int outSize)
    {
        if (padding == Padding.Valid) return 0;
        int convOut = (outSize + stride - 1) / stride;
        return Math.Max((convOut - 1) * stride + filter - outSize, 0) / 2;
    }

    public static void Run(float[] x, int batch, int h, int w, int ic, float[] weights, float[]? bias, int kh, int kw,
        TransposeConvOptions o, float[] y, int oh, int ow, int oc)
    {
        int padT = PaddingBefore(o.Padding, o.StrideH, kh, oh), padL = PaddingBefore(o.Padding, o.StrideW, kw, ow);
        Array.Clear(y);
        for (int b = 0; b < batch; b++)
            for (int iy = 0; iy < h; iy++)
                for (int ix = 0; ix < w; ix++)
                {
                    int xi = ((b * h + iy) * w + ix) * ic;
                    for (int ky = 0; ky < kh; ky++)
                    {
                        int oy = iy * o.StrideH + ky - padT;
                        if (oy < 0 || oy >= oh) continue;
                        for (int kx = 0; kx < kw; kx++)
                        {
                            int ox = ix * o.StrideW + kx - padL;
                            if (ox < 0 || ox >= ow) continue;
                            int yi = ((b * oh + oy) * ow + ox) * oc;
                            for (int co = 0; co < oc; co++)
                            {
                                int wi = ((co * kh + ky) * kw + kx) * ic;
                                float sum = 0;
                                for (int ci = 0; ci < ic; ci++) sum += x[xi + ci] * weights[wi + ci];
                                y[yi + co] += sum;
                            }
                        }
                    }
                }

        if (bias is null) return;
        for (int i = 0; i < y.Length; i++) y[i] += bias[i % oc];
    }
}
