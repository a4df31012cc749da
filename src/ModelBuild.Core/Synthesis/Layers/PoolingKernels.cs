namespace ModelBuild.Core.Synthesis.Layers;

/// <summary>
/// Max and average pooling with TensorFlow's windows: "same" pads so that the output is ⌈input / stride⌉, and the
/// padded positions take no part: a max ignores them, an average divides by the number of real inputs in its window.
/// </summary>
internal static class PoolingKernels
{
    public static int[] OutputShape(int[] input, int pool, int stride, bool same) =>
        SynthKernels.WindowShape(input, pool, stride, same, input[2]);

    public static FeatureMap Pool(FeatureMap x, int pool, int stride, bool same, bool average)
    {
        var (oh, padTop) = SynthKernels.Window(x.H, pool, stride, same);
        var (ow, padLeft) = SynthKernels.Window(x.W, pool, stride, same);
        var y = FeatureMap.Alloc(x.Batch, oh, ow, x.C);
        for (int n = 0; n < x.Batch; n++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++)
                {
                    var dst = y.Data.AsSpan(((n * oh + oy) * ow + ox) * x.C, x.C);
                    dst.Fill(average ? 0f : float.NegativeInfinity);
                    int count = 0;
                    for (int ky = 0; ky < pool; ky++)
                    {
                        int iy = oy * stride - padTop + ky;
                        if (iy < 0 || iy >= x.H) continue;
                        for (int kx = 0; kx < pool; kx++)
                        {
                            int ix = ox * stride - padLeft + kx;
                            if (ix < 0 || ix >= x.W) continue;
                            count++;
                            var src = x.Data.AsSpan(((n * x.H + iy) * x.W + ix) * x.C, x.C);
                            for (int c = 0; c < x.C; c++) dst[c] = average ? dst[c] + src[c] : Math.Max(dst[c], src[c]);
                        }
                    }

                    if (average)
                        for (int c = 0; c < x.C; c++) dst[c] /= count;
                }

        return y;
    }
}
