using System.Numerics;
using System.Runtime.CompilerServices;

namespace ModelBuild.Core.Synthesis.Layers;

/// <summary>
/// The float arithmetic of the statistics pass. Every output element is accumulated in one fixed order with separate
/// IEEE multiplies and adds (vectorised across output channels only, never across the sum), so the measured
/// statistics, and with them the written file, are the same on every machine, vector width and core count.
/// </summary>
internal static class SynthKernels
{
    /// <summary>Output size and leading padding of a window op, with TensorFlow's "same" and "valid" rules.</summary>
    public static (int Out, int PadBefore) Window(int input, int kernel, int stride, bool same)
    {
        if (!same) return ((input - kernel) / stride + 1, 0);
        int output = (input + stride - 1) / stride;
        int total = Math.Max((output - 1) * stride + kernel - input, 0);
        return (output, total / 2);
    }

    /// <summary>The [H, W, <paramref name="channels"/>] output of a window op over an [H, W, C] input.</summary>
    public static int[] WindowShape(int[] input, int kernel, int stride, bool same, int channels) =>
        [Window(input[0], kernel, stride, same).Out, Window(input[1], kernel, stride, same).Out, channels];

    /// <summary>dst[i] += a * x[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Axpy(Span<float> dst, ReadOnlySpan<float> x, float a)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var va = new Vector<float>(a);
            for (; i <= dst.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var product = va * new Vector<float>(x[i..]);
                (new Vector<float>(dst[i..]) + product).CopyTo(dst[i..]);
            }
        }

        for (; i < dst.Length; i++)
        {
            float product = a * x[i];
            dst[i] += product;
        }
    }

    /// <summary>dst[i] += a[i] * b[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyAdd(Span<float> dst, ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= dst.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var product = new Vector<float>(a[i..]) * new Vector<float>(b[i..]);
                (new Vector<float>(dst[i..]) + product).CopyTo(dst[i..]);
            }
        }

        for (; i < dst.Length; i++)
        {
            float product = a[i] * b[i];
            dst[i] += product;
        }
    }

    /// <summary>A depthwise convolution, depth multiplier 1 (kernel [kh, kw, c, 1]).</summary>
    public static FeatureMap Depthwise(FeatureMap x, float[] kernel, int k, int stride, bool same)
    {
        var (oh, padTop) = Window(x.H, k, stride, same);
        var (ow, padLeft) = Window(x.W, k, stride, same);
        var y = FeatureMap.Alloc(x.Batch, oh, ow, x.C);
        int c = x.C;
        Parallel.For(0, x.Batch * oh, row =>
        {
            int n = row / oh, oy = row % oh;
            for (int ox = 0; ox < ow; ox++)
            {
                var dst = y.Data.AsSpan((((n * oh) + oy) * ow + ox) * c, c);
                for (int ky = 0; ky < k; ky++)
                {
                    int iy = oy * stride - padTop + ky;
                    if (iy < 0 || iy >= x.H) continue;
                    for (int kx = 0; kx < k; kx++)
                    {
                        int ix = ox * stride - padLeft + kx;
                        if (ix < 0 || ix >= x.W) continue;
                        MultiplyAdd(dst, x.Data.AsSpan((((n * x.H) + iy) * x.W + ix) * c, c), kernel.AsSpan((ky * k + kx) * c, c));
                    }
                }
            }
        });
        return y;
    }

    /// <summary>
    /// A Conv2D, kernel in Keras' [kh, kw, cin, cout] layout. The input is zero-padded first, then every output is
    /// bias + Σ over taps (row-major) and input channels (in order) of x·w, four pixels and two vectors of output
    /// channels at a time so each weight load serves four pixels.
    /// </summary>
    public static FeatureMap Convolve(FeatureMap input, float[] kernel, float[]? bias, int k, int cout, int stride, bool same) =>
        Convolve(input, kernel, bias, k, k, cout, stride, same);

    /// <summary>A Conv2D with a <paramref name="kh"/>×<paramref name="kw"/> window (InceptionV3's 1×7, 7×1 …).</summary>
    public static FeatureMap Convolve(FeatureMap input, float[] kernel, float[]? bias, int kh, int kw, int cout, int stride, bool same)
    {
        var (oh, padTop) = Window(input.H, kh, stride, same);
        var (ow, padLeft) = Window(input.W, kw, stride, same);
        var x = Pad(input, padTop, Math.Max((oh - 1) * stride + kh - input.H - padTop, 0), padLeft, Math.Max((ow - 1) * stride + kw - input.W - padLeft, 0));
        var y = FeatureMap.Alloc(x.Batch, oh, ow, cout);
        int cin = x.C, v = Vector<float>.Count, block = 2 * v;
        int blocked = Vector.IsHardwareAccelerated ? cout / block * block : 0;
        Parallel.For(0, x.Batch * oh, row =>
        {
            int n = row / oh, oy = row % oh;
            Span<int> origin = stackalloc int[4];
            int ox = 0;
            for (; ox < ow; ox += 4)
            {
                int pixels = Math.Min(4, ow - ox);
                for (int p = 0; p < 4; p++) origin[p] = ((n * x.H + oy * stride) * x.W + (ox + Math.Min(p, pixels - 1)) * stride) * cin;
                int outBase = ((n * oh + oy) * ow + ox) * cout;
                for (int co = 0; co < blocked; co += block)
                    Block4x2(x.Data, origin, kernel, bias, kh, kw, cin, cout, x.W, co, y.Data, outBase, pixels);
                for (int p = 0; p < pixels; p++)
                    for (int co = blocked; co < cout; co++)
                        y.Data[outBase + p * cout + co] = Single(x.Data, origin[p], kernel, bias, kh, kw, cin, cout, x.W, co);
            }
        });
        return y;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block4x2(float[] x, ReadOnlySpan<int> origin, float[] kernel, float[]? bias, int kh, int kw, int cin, int cout, int rowWidth, int co, float[] y, int outBase, int pixels)
    {
        int v = Vector<float>.Count;
        var b0 = bias is null ? Vector<float>.Zero : new Vector<float>(bias, co);
        var b1 = bias is null ? Vector<float>.Zero : new Vector<float>(bias, co + v);
        Vector<float> a00 = b0, a01 = b1, a10 = b0, a11 = b1, a20 = b0, a21 = b1, a30 = b0, a31 = b1;
        for (int ky = 0; ky < kh; ky++)
            for (int kx = 0; kx < kw; kx++)
            {
                int shift = (ky * rowWidth + kx) * cin;
                int w = (ky * kw + kx) * cin * cout + co;
                int x0 = origin[0] + shift, x1 = origin[1] + shift, x2 = origin[2] + shift, x3 = origin[3] + shift;
                for (int ci = 0; ci < cin; ci++, w += cout)
                {
                    var w0 = new Vector<float>(kernel, w);
                    var w1 = new Vector<float>(kernel, w + v);
                    var p0 = new Vector<float>(x[x0 + ci]);
                    var p1 = new Vector<float>(x[x1 + ci]);
                    var p2 = new Vector<float>(x[x2 + ci]);
                    var p3 = new Vector<float>(x[x3 + ci]);
                    a00 += p0 * w0; a01 += p0 * w1;
                    a10 += p1 * w0; a11 += p1 * w1;
                    a20 += p2 * w0; a21 += p2 * w1;
                    a30 += p3 * w0; a31 += p3 * w1;
                }
            }

        Store(a00, a01, 0);
        if (pixels > 1) Store(a10, a11, 1);
        if (pixels > 2) Store(a20, a21, 2);
        if (pixels > 3) Store(a30, a31, 3);

        void Store(Vector<float> lo, Vector<float> hi, int p)
        {
            lo.CopyTo(y, outBase + p * cout + co);
            hi.CopyTo(y, outBase + p * cout + co + v);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Single(float[] x, int origin, float[] kernel, float[]? bias, int kh, int kw, int cin, int cout, int rowWidth, int co)
    {
        float acc = bias?[co] ?? 0f;
        for (int ky = 0; ky < kh; ky++)
            for (int kx = 0; kx < kw; kx++)
            {
                int xi = origin + (ky * rowWidth + kx) * cin;
                int w = (ky * kw + kx) * cin * cout + co;
                for (int ci = 0; ci < cin; ci++, w += cout)
                {
                    float product = x[xi + ci] * kernel[w];
                    acc += product;
                }
            }

        return acc;
    }

    private static FeatureMap Pad(FeatureMap x, int top, int bottom, int left, int right)
    {
        if (top == 0 && bottom == 0 && left == 0 && right == 0) return x;
        var y = FeatureMap.Alloc(x.Batch, x.H + top + bottom, x.W + left + right, x.C);
        for (int n = 0; n < x.Batch; n++)
            for (int r = 0; r < x.H; r++)
                x.Data.AsSpan(((n * x.H + r) * x.W) * x.C, x.W * x.C).CopyTo(y.Data.AsSpan(((n * y.H + r + top) * y.W + left) * x.C));
        return y;
    }
}
