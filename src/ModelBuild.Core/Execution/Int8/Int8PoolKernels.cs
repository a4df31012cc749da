using System.Runtime.Intrinsics;
using ModelBuild.Core.Graph;
using static ModelBuild.Core.Execution.Int8.Int8FixedPoint;

namespace ModelBuild.Core.Execution.Int8;

/// <summary>MAX_POOL_2D and AVERAGE_POOL_2D int8 (input and output share parameters; padding is excluded from the window).</summary>
internal sealed class Int8PoolKernel : Int8Kernel
{
    private readonly Tensor input, output;
    private readonly bool average;
    private readonly int n, h, w, c, oh, ow, fh, fw, sh, sw, padT, padL, actMin, actMax;

    public Int8PoolKernel(Node node, bool average)
    {
        this.average = average;
        var o = node.OptionsAs<Pool2DOptions>();
        (input, output) = (node.Inputs[0]!, node.Outputs[0]);
        (n, h, w, c) = (input.Shape[0], input.Shape[1], input.Shape[2], input.Shape[3]);
        (oh, ow) = (output.Shape[1], output.Shape[2]);
        (fh, fw, sh, sw) = (o.FilterH, o.FilterW, o.StrideH, o.StrideW);
        padT = Int8Quant.PaddingBefore(o.Padding, sh, 1, h, fh, oh);
        padL = Int8Quant.PaddingBefore(o.Padding, sw, 1, w, fw, ow);
        (actMin, actMax) = ActivationRange(o.Activation, Int8Quant.Scale(output), Int8Quant.ZeroPoint(output));
    }

    public override void Run(Int8TensorStore store)
    {
        var x = store.Get(input);
        var y = store.Allocate(output);
        if (!average)
        {
            CoreParallel.ForRanges(n * oh, (from, to) => MaxRows(x, y, from, to), (long)ow * c * fh * fw);
            return;
        }

        for (int b = 0; b < n; b++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++)
                {
                    int y0 = oy * sh - padT, x0 = ox * sw - padL;
                    int yStart = Math.Max(0, -y0), yEnd = Math.Min(fh, h - y0);
                    int xStart = Math.Max(0, -x0), xEnd = Math.Min(fw, w - x0);
                    int count = (yEnd - yStart) * (xEnd - xStart);
                    for (int ch = 0; ch < c; ch++)
                    {
                        int acc = average ? 0 : sbyte.MinValue;
                        for (int fy = yStart; fy < yEnd; fy++)
                            for (int fx = xStart; fx < xEnd; fx++)
                            {
                                int v = x[((b * h + y0 + fy) * w + x0 + fx) * c + ch];
                                acc = average ? acc + v : Math.Max(acc, v);
                            }

                        if (average) acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
                        y[((b * oh + oy) * ow + ox) * c + ch] = (sbyte)Clamp(acc, actMin, actMax);
                    }
                }
    }

    /// <summary>MAX_POOL_2D over output rows [from, to) of n·oh: a window's taps folded into the pixel's channels 32 at a time.</summary>
    private void MaxRows(sbyte[] x, sbyte[] y, int from, int to)
    {
        var (lowest, highest) = (Vector256.Create((sbyte)actMin), Vector256.Create((sbyte)actMax));
        for (int row = from; row < to; row++)
        {
            int b = row / oh, oy = row % oh;
            int y0 = oy * sh - padT;
            int yStart = Math.Max(0, -y0), yEnd = Math.Min(fh, h - y0);
            for (int ox = 0; ox < ow; ox++)
            {
                int x0 = ox * sw - padL;
                int xStart = Math.Max(0, -x0), xEnd = Math.Min(fw, w - x0);
                var pixel = y.AsSpan(((b * oh + oy) * ow + ox) * c, c);
                pixel.Fill(sbyte.MinValue);
                for (int fy = yStart; fy < yEnd; fy++)
                {
                    for (int fx = xStart; fx < xEnd; fx++)
                    {
                        var tap = x.AsSpan(((b * h + y0 + fy) * w + x0 + fx) * c, c);
                        int ch = 0;
                        for (; ch <= c - 32; ch += 32)
                            Vector256.Max(Vector256.Create(pixel.Slice(ch, 32)), Vector256.Create(tap.Slice(ch, 32))).CopyTo(pixel.Slice(ch, 32));
                        for (; ch < c; ch++) pixel[ch] = Math.Max(pixel[ch], tap[ch]);
                    }
                }

                int at = 0;
                for (; at <= c - 32; at += 32)
                    Vector256.Min(Vector256.Max(Vector256.Create(pixel.Slice(at, 32)), lowest), highest).CopyTo(pixel.Slice(at, 32));
                for (; at < c; at++) pixel[at] = (sbyte)Clamp(pixel[at], actMin, actMax);
            }
        }
    }
}

/// <summary>
/// MEAN int8 as TFLite 2.9's builtin computes it (checked against the real runtime): keep_dims over H and W of
/// a 4-D tensor uses the integer kernel (rescale by in/out scale, then a rounded division by the count); other
/// axes the reference QuantizedMeanOrSum (float rescale), or the plain integer mean when input and output
/// parameters are equal.
/// </summary>
internal sealed class Int8MeanKernel : Int8Kernel
{
    private readonly Tensor input, output;
    private readonly int[] inShape;
    private readonly bool[] reduced;
    private readonly bool spatialKeepDims;
    private readonly float inScale, outScale;
    private readonly int inZp, outZp, meanMultiplier, meanShift;

    public Int8MeanKernel(Node node)
    {
        (input, output) = (node.Inputs[0]!, node.Outputs[0]);
        var axes = node.Inputs[1]!.Int32Data.Select(a => a < 0 ? a + input.Rank : a).Distinct().OrderBy(a => a).ToArray();
        bool keepDims = (node.Options as ReducerOptions)?.KeepDims ?? false;
        inShape = input.Shape;
        reduced = new bool[input.Rank];
        foreach (var a in axes) reduced[a] = true;
        spatialKeepDims = keepDims && input.Rank == 4 && axes.SequenceEqual([1, 2]);
        (inScale, inZp, outScale, outZp) = (Int8Quant.Scale(input), Int8Quant.ZeroPoint(input), Int8Quant.Scale(output), Int8Quant.ZeroPoint(output));
        QuantizeMultiplier((double)inScale / outScale, out meanMultiplier, out meanShift);
    }

    public override void Run(Int8TensorStore store)
    {
        var x = store.Get(input);
        var y = store.Allocate(output);
        var sums = new int[y.Length];
        int reducedCount = 1;
        for (int d = 0; d < inShape.Length; d++) if (reduced[d]) reducedCount *= inShape[d];
        SumReduced(x, sums);
        if (spatialKeepDims)
        {
            // reference_integer_ops::Mean: offset sum rescaled by in/out, then divided by the count with rounding.
            int n = reducedCount;
            for (int i = 0; i < y.Length; i++)
            {
                int acc = MultiplyByQuantizedMultiplier(sums[i] - n * inZp, meanMultiplier, meanShift);
                acc = acc > 0 ? (acc + n / 2) / n : (acc - n / 2) / n;
                y[i] = (sbyte)Clamp(acc + outZp, sbyte.MinValue, sbyte.MaxValue);
            }
        }
        else if (inZp == outZp && inScale == outScale)
        {
            for (int i = 0; i < y.Length; i++) y[i] = (sbyte)(sums[i] / reducedCount);
        }
        else
        {
            float scale = inScale / outScale;
            float bias = -inZp * scale;
            for (int i = 0; i < y.Length; i++)
            {
                float mean = (float)sums[i] / reducedCount;
                float r = RoundF(mean * scale + bias) + outZp;
                r = Math.Min(r, 127f);
                r = Math.Max(r, -128f);
                y[i] = (sbyte)r;
            }
        }
    }

    private void SumReduced(sbyte[] x, int[] sums) => Int8ReduceIndex.ForEach(inShape, reduced, x.Length, (i, o) => sums[o] += x[i]);
}

/// <summary>REDUCE_MAX int8 (input and output share parameters).</summary>
internal sealed class Int8ReduceMaxKernel : Int8Kernel
{
    private readonly Tensor input, output;
    private readonly bool[] reduced;

    public Int8ReduceMaxKernel(Node node)
    {
        (input, output) = (node.Inputs[0]!, node.Outputs[0]);
        reduced = new bool[input.Rank];
        foreach (var a in node.Inputs[1]!.Int32Data) reduced[a < 0 ? a + input.Rank : a] = true;
    }

    public override void Run(Int8TensorStore store)
    {
        var x = store.Get(input);
        var y = store.Allocate(output);
        Array.Fill(y, sbyte.MinValue);
        Int8ReduceIndex.ForEach(input.Shape, reduced, x.Length, (i, o) => y[o] = Math.Max(y[o], x[i]));
    }
}

internal static class Int8ReduceIndex
{
    /// <summary>Calls body(inputIndex, outputIndex) for every input element; reduced dims collapse.</summary>
    public static void ForEach(int[] inShape, bool[] reduced, int length, Action<int, int> body)
    {
        int rank = inShape.Length;
        var idx = new int[rank];
        for (int i = 0; i < length; i++)
        {
            int o = 0;
            for (int d = 0; d < rank; d++)
                if (!reduced[d]) o = o * inShape[d] + idx[d];
            body(i, o);
            for (int d = rank - 1; d >= 0; d--)
            {
                if (++idx[d] < inShape[d]) break;
                idx[d] = 0;
            }
        }
    }
}
