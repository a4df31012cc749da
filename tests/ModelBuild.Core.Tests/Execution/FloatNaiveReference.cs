using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Tests.Execution;

/// <summary>A dense float array with its shape, row-major (NHWC for 4-D).</summary>
internal sealed record Nd(float[] Data, int[] Shape)
{
    public int Offset(params int[] index)
    {
        int o = 0;
        for (int d = 0; d < Shape.Length; d++) o = o * Shape[d] + index[d];
        return o;
    }

    public float this[params int[] index] => Data[Offset(index)];
}

/// <summary>
/// Straightforward loop implementations of TFLite's float ops, written from the op definitions and independent
/// of the executor's kernels (no packing, no im2col, no SIMD): the oracle of the float executor tests.
/// </summary>
internal static class FloatNaiveReference
{
    public static int OutSize(int input, int filter, int stride, int dilation, Padding padding)
    {
        int effective = (filter - 1) * dilation + 1;
        return padding == Padding.Same ? (input + stride - 1) / stride : (input - effective + stride) / stride;
    }

    /// <summary>TFLite's SAME padding: the total padding split with the odd element after.</summary>
    public static int PadBefore(int input, int output, int filter, int stride, int dilation)
    {
        int effective = (filter - 1) * dilation + 1;
        int total = (output - 1) * stride + effective - input;
        return total > 0 ? total / 2 : 0;
    }

    public static float Activate(float v, FusedActivation a) => a switch
    {
        FusedActivation.Relu => v < 0 ? 0 : v,
        FusedActivation.Relu6 => v < 0 ? 0 : v > 6 ? 6 : v,
        FusedActivation.ReluN1To1 => v < -1 ? -1 : v > 1 ? 1 : v,
        _ => v,
    };

    public static Nd Conv2D(Nd x, Nd w, float[]? bias, int sh, int sw, int dh, int dw, Padding p, FusedActivation act)
    {
        int n = x.Shape[0], h = x.Shape[1], wi = x.Shape[2], c = x.Shape[3];
        int o = w.Shape[0], kh = w.Shape[1], kw = w.Shape[2];
        int oh = OutSize(h, kh, sh, dh, p), ow = OutSize(wi, kw, sw, dw, p);
        int pt = p == Padding.Same ? PadBefore(h, oh, kh, sh, dh) : 0;
        int pl = p == Padding.Same ? PadBefore(wi, ow, kw, sw, dw) : 0;
        var y = new Nd(new float[n * oh * ow * o], [n, oh, ow, o]);
        for (int b = 0; b < n; b++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++)
                    for (int oc = 0; oc < o; oc++)
                    {
                        double sum = bias?[oc] ?? 0;
                        for (int ky = 0; ky < kh; ky++)
                            for (int kx = 0; kx < kw; kx++)
                            {
                                int iy = oy * sh + ky * dh - pt, ix = ox * sw + kx * dw - pl;
                                if (iy < 0 || iy >= h || ix < 0 || ix >= wi) continue;
                                for (int ic = 0; ic < c; ic++) sum += x[b, iy, ix, ic] * w[oc, ky, kx, ic];
                            }

                        y.Data[y.Offset(b, oy, ox, oc)] = Activate((float)sum, act);
                    }

        return y;
    }

    public static Nd Depthwise(Nd x, Nd w, float[]? bias, int multiplier, int sh, int sw, int dh, int dw, Padding p, FusedActivation act)
    {
        int n = x.Shape[0], h = x.Shape[1], wi = x.Shape[2], c = x.Shape[3];
        int kh = w.Shape[1], kw = w.Shape[2];
        int oh = OutSize(h, kh, sh, dh, p), ow = OutSize(wi, kw, sw, dw, p);
        int pt = p == Padding.Same ? PadBefore(h, oh, kh, sh, dh) : 0;
        int pl = p == Padding.Same ? PadBefore(wi, ow, kw, sw, dw) : 0;
        var y = new Nd(new float[n * oh * ow * c * multiplier], [n, oh, ow, c * multiplier]);
        for (int b = 0; b < n; b++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++)
                    for (int ic = 0; ic < c; ic++)
                        for (int m = 0; m < multiplier; m++)
                        {
                            int oc = ic * multiplier + m;
                            double sum = bias?[oc] ?? 0;
                            for (int ky = 0; ky < kh; ky++)
                                for (int kx = 0; kx < kw; kx++)
                                {
                                    int iy = oy * sh + ky * dh - pt, ix = ox * sw + kx * dw - pl;
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= wi) continue;
                                    sum += x[b, iy, ix, ic] * w[0, ky, kx, oc];
                                }

                            y.Data[y.Offset(b, oy, ox, oc)] = Activate((float)sum, act);
                        }

        return y;
    }

    /// <summary>Input flattened to [batch, in] (rows = all elements / in).</summary>
    public static Nd FullyConnected(Nd x, Nd w, float[]? bias, FusedActivation act)
    {
        int units = w.Shape[0], inner = w.Shape[1], rows = x.Data.Length / inner;
        var y = new Nd(new float[rows * units], [rows, units]);
        for (int r = 0; r < rows; r++)
            for (int u = 0; u < units; u++)
            {
                double sum = bias?[u] ?? 0;
                for (int i = 0; i < inner; i++) sum += x.Data[r * inner + i] * w.Data[u * inner + i];
                y.Data[r * units + u] = Activate((float)sum, act);
            }

        return y;
    }

    /// <summary>Numpy broadcasting: both shapes padded with leading 1s to rank 4, size-1 dims repeat.</summary>
    public static Nd Binary(OpType op, Nd a, Nd b, FusedActivation act)
    {
        var sa = To4D(a.Shape);
        var sb = To4D(b.Shape);
        var so = new int[4];
        for (int d = 0; d < 4; d++) so[d] = Math.Max(sa[d], sb[d]);
        var y = new Nd(new float[so[0] * so[1] * so[2] * so[3]], so);
        var a4 = a with { Shape = sa };
        var b4 = b with { Shape = sb };
        for (int i0 = 0; i0 < so[0]; i0++)
            for (int i1 = 0; i1 < so[1]; i1++)
                for (int i2 = 0; i2 < so[2]; i2++)
                    for (int i3 = 0; i3 < so[3]; i3++)
                    {
                        float p = a4[i0 % sa[0], i1 % sa[1], i2 % sa[2], i3 % sa[3]];
                        float q = b4[i0 % sb[0], i1 % sb[1], i2 % sb[2], i3 % sb[3]];
                        float v = op switch
                        {
                            OpType.Add => p + q,
                            OpType.Sub => p - q,
                            OpType.Mul => p * q,
                            OpType.Maximum => p > q ? p : q,
                            OpType.Minimum => p < q ? p : q,
                            _ => throw new ArgumentException(op.ToString()),
                        };
                        y.Data[y.Offset(i0, i1, i2, i3)] = Activate(v, act);
                    }

        return y;
    }

    private static int[] To4D(int[] s) => Enumerable.Repeat(1, 4 - s.Length).Concat(s).ToArray();

    public static Nd Pool(bool max, Nd x, int fh, int fw, int sh, int sw, Padding p, FusedActivation act)
    {
        int n = x.Shape[0], h = x.Shape[1], wi = x.Shape[2], c = x.Shape[3];
        int oh = OutSize(h, fh, sh, 1, p), ow = OutSize(wi, fw, sw, 1, p);
        int pt = p == Padding.Same ? PadBefore(h, oh, fh, sh, 1) : 0;
        int pl = p == Padding.Same ? PadBefore(wi, ow, fw, sw, 1) : 0;
        var y = new Nd(new float[n * oh * ow * c], [n, oh, ow, c]);
        for (int b = 0; b < n; b++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++)
                    for (int ch = 0; ch < c; ch++)
                    {
                        double sum = 0;
                        float best = float.MinValue;
                        int count = 0;
                        for (int ky = 0; ky < fh; ky++)
                            for (int kx = 0; kx < fw; kx++)
                            {
                                int iy = oy * sh + ky - pt, ix = ox * sw + kx - pl;
                                if (iy < 0 || iy >= h || ix < 0 || ix >= wi) continue;
                                float v = x[b, iy, ix, ch];
                                sum += v;
                                if (v > best) best = v;
                                count++;
                            }

                        y.Data[y.Offset(b, oy, ox, ch)] = Activate(max ? best : (float)(sum / count), act);
                    }

        return y;
    }

    /// <summary>MEAN / REDUCE_MAX of a 4-D tensor over <paramref name="axes"/>.</summary>
    public static Nd Reduce(bool max, Nd x, int[] axes, bool keepDims)
    {
        var s = x.Shape;
        var reduced = new bool[4];
        foreach (var a in axes) reduced[(a + 4) % 4] = true;
        var os = s.Select((d, i) => reduced[i] ? 1 : d).ToArray();
        var y = new Nd(new float[os.Aggregate(1, (p, d) => p * d)], os);
        for (int i0 = 0; i0 < os[0]; i0++)
            for (int i1 = 0; i1 < os[1]; i1++)
                for (int i2 = 0; i2 < os[2]; i2++)
                    for (int i3 = 0; i3 < os[3]; i3++)
                    {
                        double sum = 0;
                        float best = float.MinValue;
                        int count = 0;
                        for (int j0 = 0; j0 < s[0]; j0++)
                            for (int j1 = 0; j1 < s[1]; j1++)
                                for (int j2 = 0; j2 < s[2]; j2++)
                                    for (int j3 = 0; j3 < s[3]; j3++)
                                    {
                                        if ((!reduced[0] && j0 != i0) || (!reduced[1] && j1 != i1) || (!reduced[2] && j2 != i2) || (!reduced[3] && j3 != i3)) continue;
                                        float v = x[j0, j1, j2, j3];
                                        sum += v;
                                        best = Math.Max(best, v);
                                        count++;
                                    }

                        y.Data[y.Offset(i0, i1, i2, i3)] = max ? best : (float)(sum / count);
                    }

        return keepDims ? y : y with { Shape = os.Where((_, i) => !reduced[i]).ToArray() };
    }

    public static Nd Concat(Nd[] xs, int axis)
    {
        int rank = xs[0].Shape.Length;
        if (axis < 0) axis += rank;
        var os = (int[])xs[0].Shape.Clone();
        os[axis] = xs.Sum(x => x.Shape[axis]);
        var y = new Nd(new float[os.Aggregate(1, (p, d) => p * d)], os);
        var idx = new int[rank];
        for (int i = 0; i < y.Data.Length; i++)
        {
            int rem = i;
            for (int d = rank - 1; d >= 0; d--) { idx[d] = rem % os[d]; rem /= os[d]; }
            int k = 0, along = idx[axis];
            while (along >= xs[k].Shape[axis]) along -= xs[k++].Shape[axis];
            var src = (int[])idx.Clone();
            src[axis] = along;
            y.Data[i] = xs[k][src];
        }

        return y;
    }

    public static Nd Pad(Nd x, int[] paddings)
    {
        var s = x.Shape;
        var os = s.Select((d, i) => d + paddings[2 * i] + paddings[2 * i + 1]).ToArray();
        var y = new Nd(new float[os.Aggregate(1, (p, d) => p * d)], os);
        for (int i0 = 0; i0 < s[0]; i0++)
            for (int i1 = 0; i1 < s[1]; i1++)
                for (int i2 = 0; i2 < s[2]; i2++)
                    for (int i3 = 0; i3 < s[3]; i3++)
                        y.Data[y.Offset(i0 + paddings[0], i1 + paddings[2], i2 + paddings[4], i3 + paddings[6])] = x[i0, i1, i2, i3];
        return y;
    }

    public static float Unary(OpType op, float v, float alpha = 0) => op switch
    {
        OpType.Relu => v > 0 ? v : 0,
        OpType.Relu6 => v < 0 ? 0 : v > 6 ? 6 : v,
        OpType.ReluN1To1 => v < -1 ? -1 : v > 1 ? 1 : v,
        OpType.Logistic => (float)(1 / (1 + Math.Exp(-v))),
        OpType.Tanh => (float)Math.Tanh(v),
        OpType.LeakyRelu => v > 0 ? v : alpha * v,
        OpType.HardSwish => v * Math.Min(6f, Math.Max(0f, v + 3f)) / 6f,
        _ => throw new ArgumentException(op.ToString()),
    };

    /// <summary>Softmax over the last axis: exp(beta·(x − max)) / Σ.</summary>
    public static float[] Softmax(float[] x, int last, float beta)
    {
        var y = new float[x.Length];
        for (int r = 0; r < x.Length; r += last)
        {
            double max = x.Skip(r).Take(last).Max();
            var e = Enumerable.Range(r, last).Select(i => Math.Exp(beta * (x[i] - max))).ToArray();
            double sum = e.Sum();
            for (int i = 0; i < last; i++) y[r + i] = (float)(e[i] / sum);
        }

        return y;
    }
}
