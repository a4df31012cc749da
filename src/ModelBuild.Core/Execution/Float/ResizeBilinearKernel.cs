namespace ModelBuild.Core.Execution.Float;

/// <summary>
/// RESIZE_BILINEAR on NHWC data with TFLite 2.9's source coordinates: scale in/out (or (in−1)/(out−1) with
/// align_corners), half-pixel centers at (o + 0.5)·scale − 0.5, the two neighbours floor/ceil clamped to the image.
/// The int8 form is TFLite's integer kernel: coordinates and weights in 10-bit fixed point, the 20-bit weighted
/// sum rounded half away from zero.
/// </summary>
internal static class ResizeBilinearKernel
{
    public static float Scale(int inSize, int outSize, bool alignCorners) =>
        alignCorners && outSize > 1 ? (inSize - 1) / (float)(outSize - 1) : inSize / (float)outSize;

    /// <summary>The source coordinate of output index <paramref name="o"/> and its lower and upper neighbours.</summary>
    public static (float Position, int Lower, int Upper) Source(int o, float scale, bool halfPixel, int inSize)
    {
        float v = halfPixel ? (o + 0.5f) * scale - 0.5f : o * scale;
        int lower = Math.Max((int)MathF.Floor(v), 0);
        int upper = Math.Min((int)MathF.Ceiling(v), inSize - 1);
        return (v, lower, upper);
    }

    public static void Run(float[] x, int batch, int h, int w, int c, float[] y, int oh, int ow, bool alignCorners, bool halfPixel) =>
        Interpolate(x, batch, h, w, c, y, oh, ow, alignCorners, halfPixel);

    /// <summary>10-bit fixed-point scale: round(in·1024 / out), or of (in−1)/(out−1) with align_corners.</summary>
    private static int Scale10(int inSize, int outSize, bool alignCorners) =>
        alignCorners && outSize > 1 ? ((1 << 10) * (inSize - 1) + (outSize - 1) / 2) / (outSize - 1) : ((1 << 10) * inSize + outSize / 2) / outSize;

    private static (int Position, int Lower, int Upper) Source10(int o, int scale10, bool halfPixel, int inSize)
    {
        int v = halfPixel ? o * scale10 + scale10 / 2 - (1 << 9) : o * scale10;
        // C++ division truncates toward zero, which the clamp at 0 makes harmless.
        return (v, Math.Max(v / (1 << 10), 0), Math.Min((v + (1 << 10) - 1) / (1 << 10), inSize - 1));
    }

    public static void Run(sbyte[] x, int batch, int h, int w, int c, sbyte[] y, int oh, int ow, bool alignCorners, bool halfPixel)
    {
        int sy = Scale10(h, oh, alignCorners), sx = Scale10(w, ow, alignCorners);
        int o = 0;
        for (int b = 0; b < batch; b++)
            for (int oy = 0; oy < oh; oy++)
            {
                var (py, y0, y1) = Source10(oy, sy, halfPixel, h);
                long wy1 = py - (1 << 10) * y0, wy0 = (1 << 10) - wy1;
                for (int ox = 0; ox < ow; ox++)
                {
                    var (px, x0, x1) = Source10(ox, sx, halfPixel, w);
                    long wx1 = px - (1 << 10) * x0, wx0 = (1 << 10) - wx1;
                    int i00 = ((b * h + y0) * w + x0) * c, i01 = ((b * h + y0) * w + x1) * c;
                    int i10 = ((b * h + y1) * w + x0) * c, i11 = ((b * h + y1) * w + x1) * c;
                    for (int k = 0; k < c; k++)
                    {
                        long sum20 = x[i00 + k] * wy0 * wx0 + x[i10 + k] * wy1 * wx0 + x[i01 + k] * wy0 * wx1 + x[i11 + k] * wy1 * wx1;
                        long round = sum20 > 0 ? 1 << 19 : -(1 << 19);
                        y[o++] = (sbyte)((sum20 + round) / (1 << 20));
                    }
                }
            }
    }

    private static void Interpolate(float[] x, int batch, int h, int w, int c, float[] y, int oh, int ow, bool alignCorners, bool halfPixel)
    {
        float sy = Scale(h, oh, alignCorners), sx = Scale(w, ow, alignCorners);
        int o = 0;
        for (int b = 0; b < batch; b++)
            for (int oy = 0; oy < oh; oy++)
            {
                var (py, y0, y1) = Source(oy, sy, halfPixel, h);
                float dy = py - y0;
                for (int ox = 0; ox < ow; ox++)
                {
                    var (px, x0, x1) = Source(ox, sx, halfPixel, w);
                    float dx = px - x0;
                    int i00 = ((b * h + y0) * w + x0) * c, i01 = ((b * h + y0) * w + x1) * c;
                    int i10 = ((b * h + y1) * w + x0) * c, i11 = ((b * h + y1) * w + x1) * c;
                    float w00 = (1 - dy) * (1 - dx), w01 = (1 - dy) * dx, w10 = dy * (1 - dx), w11 = dy * dx;
                    for (int k = 0; k < c; k++)
                        y[o++] = x[i00 + k] * w00 + x[i01 + k] * w01 + x[i10 + k] * w10 + x[i11 + k] * w11;
                }
            }
    }
}
