using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace ModelBuild.Core.Quantization;

/// <summary>Quantizes constant tensors: symmetric int8 weights, int32 biases, affine int8 operands.</summary>
internal static class WeightQuantizer
{
    /// <summary>Symmetric int8 in [-127, 127], zero point 0; one scale per slice of <paramref name="channelDim"/>, or per tensor when null.</summary>
    public static Tensor Weights(Tensor w, int? channelDim)
    {
        var data = w.FloatData;
        var q = new sbyte[data.Length];
        QuantParams p;
        if (channelDim is int dim)
        {
            int channels = w.Shape[dim];
            int inner = 1;
            for (int d = dim + 1; d < w.Rank; d++) inner *= w.Shape[d];
            var maxAbs = MaxAbsPerChannel(data, channels, inner);
            var scales = maxAbs.Select(QuantParamMath.SymmetricScale).ToArray();
            // Runs of `inner` values share a channel (channel = run index mod channels): no division per value.
            int runs = data.Length / inner;
            CoreParallel.ForRanges(runs, (r0, r1) =>
            {
                for (int r = r0; r < r1; r++)
                    Quantize(data.AsSpan(r * inner, inner), scales[r % channels], q.AsSpan(r * inner, inner));
            }, inner);
            p = new QuantParams(scales, new long[channels], dim);
        }
        else
        {
            float scale = QuantParamMath.SymmetricScale(data.Length == 0 ? 0 : MathF.Abs(TensorPrimitives.MaxMagnitude(data)));
            CoreParallel.ForRanges(data.Length, (i0, i1) => Quantize(data.AsSpan(i0, i1 - i0), scale, q.AsSpan(i0, i1 - i0)));
            p = QuantParams.PerTensor(scale, 0);
        }

        return new Tensor(w.Name, (int[])w.Shape.Clone(), DataType.Int8, q) { Quant = p };
    }

    /// <summary>max |w| of each channel, for weights whose channel index is (flat index / inner) mod channels.</summary>
    private static float[] MaxAbsPerChannel(float[] data, int channels, int inner)
    {
        var maxAbs = new float[channels];
        int runs = data.Length / inner;
        if (inner == 1)
        {
            // Channels innermost (DEPTHWISE_CONV_2D's 1HWC): whole rows of channels at a time.
            var abs = new float[channels];
            for (int r = 0; r + channels <= data.Length; r += channels)
            {
                TensorPrimitives.Abs(data.AsSpan(r, channels), abs);
                TensorPrimitives.Max(maxAbs, abs, maxAbs);
            }

            return maxAbs;
        }

        for (int r = 0; r < runs; r++)
        {
            int c = r % channels;
            maxAbs[c] = Math.Max(maxAbs[c], MathF.Abs(TensorPrimitives.MaxMagnitude(data.AsSpan(r * inner, inner))));
        }

        return maxAbs;
    }

    /// <summary>
    /// q = clamp(round(v / scale), -127, 127), rounding half away from zero, exactly as
    /// <see cref="QuantParamMath.QuantizeSymmetric"/> does it value by value: the same IEEE division, then
    /// trunc(x) ± 1 where |x − trunc(x)| ≥ 0.5 (that difference is exact in float).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Quantize(ReadOnlySpan<float> values, float scale, Span<sbyte> q)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vs = Vector256.Create(scale);
            var half = Vector256.Create(0.5f);
            var one = Vector256.Create(1f);
            var lo = Vector256.Create(-127f);
            var hi = Vector256.Create(127f);
            Span<int> ints = stackalloc int[8];
            for (; i <= values.Length - 8; i += 8)
            {
                var x = Vector256.Create(values.Slice(i, 8)) / vs;
                var t = Vector256.Truncate(x);
                var away = Vector256.GreaterThanOrEqual(Vector256.Abs(x - t), half);
                var step = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), -one, one);
                var r = Vector256.Min(Vector256.Max(t + (step & away), lo), hi);
                Vector256.ConvertToInt32(r).CopyTo(ints);
                for (int k = 0; k < 8; k++) q[i + k] = (sbyte)ints[k];
            }
        }

        for (; i < values.Length; i++) q[i] = QuantParamMath.QuantizeSymmetric(values[i], scale);
    }

    /// <summary>int32 bias with scale input_scale × weight_scale[c] (per channel when the weights are), zero point 0.</summary>
    public static Tensor Bias(Tensor b, float inputScale, float[] weightScales)
    {
        var data = b.FloatData;
        var scales = new float[weightScales.Length];
        for (int c = 0; c < scales.Length; c++) scales[c] = inputScale * weightScales[c];
        var q = new int[data.Length];
        for (int i = 0; i < data.Length; i++) q[i] = QuantParamMath.QuantizeBias(data[i], scales.Length == 1 ? scales[0] : scales[i]);
        return new Tensor(b.Name, (int[])b.Shape.Clone(), DataType.Int32, q) { Quant = new QuantParams(scales, new long[scales.Length], 0) };
    }

    public static Tensor Affine(Tensor t, QuantParams p)
    {
        return new Tensor(t.Name, (int[])t.Shape.Clone(), DataType.Int8, QuantParamMath.QuantizeAffine(t.FloatData, p)) { Quant = p };
    }
}
