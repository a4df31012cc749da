namespace ModelBuild.Core.Quantization;

/// <summary>
/// Accumulates the range of one tensor over calibration batches. The calibrator makes one per tensor through a
/// factory, so the statistic is pluggable (min/max by default, moving-average min/max as an alternative).
/// Implementations keep O(1) state: memory must not grow with the number of samples.
/// </summary>
public interface ITensorRangeObserver
{
    /// <summary><paramref name="values"/> holds <paramref name="batch"/> samples of the tensor, one after another.</summary>
    void Observe(ReadOnlySpan<float> values, int batch);

    /// <summary>The range to quantize with, or null when nothing was observed.</summary>
    TensorRange? Range { get; }
}

/// <summary>The overall minimum and maximum (TFLite's post-training calibration default).</summary>
public sealed class MinMaxObserver : ITensorRangeObserver
{
    private float min = float.PositiveInfinity, max = float.NegativeInfinity;

    public void Observe(ReadOnlySpan<float> values, int batch)
    {
        if (values.IsEmpty) return;
        var (lo, hi) = SpanRange.Of(values);
        min = Math.Min(min, lo);
        max = Math.Max(max, hi);
    }

    public TensorRange? Range => min <= max ? new TensorRange(min, max) : null;
}

/// <summary>
/// Exponential moving average of each sample's min and max (as TensorFlow's quantization-aware training keeps
/// them): a few outlier samples widen the range less than with plain min/max.
/// </summary>
public sealed class MovingAverageMinMaxObserver(float momentum = 0.9f) : ITensorRangeObserver
{
    private float min, max;
    private bool any;

    public void Observe(ReadOnlySpan<float> values, int batch)
    {
        if (values.IsEmpty || batch <= 0) return;
        int per = values.Length / batch;
        for (int b = 0; b < batch; b++)
        {
            var s = values.Slice(b * per, per);
            var (sMin, sMax) = SpanRange.Of(s);
            if (!any)
            {
                (min, max, any) = (sMin, sMax, true);
                continue;
            }

            min = momentum * min + (1 - momentum) * sMin;
            max = momentum * max + (1 - momentum) * sMax;
        }
    }

    public TensorRange? Range => any ? new TensorRange(min, max) : null;
}

internal static class SpanRange
{
    /// <summary>Minimum and maximum of a non-empty span (NaN propagates, so the quantizer can reject it).</summary>
    public static unsafe (float Min, float Max) Of(ReadOnlySpan<float> values)
    {
        // Large activations (a calibration batch of early ResNet layers is 12M values) are split over the cores.
        float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
        bool nan = false;
        var gate = new object();
        fixed (float* p = values)
        {
            float* start = p;
            ModelBuild.Core.Execution.CoreParallel.ForRanges(values.Length, (from, to) =>
            {
                var (rl, rh) = Sequential(new ReadOnlySpan<float>(start + from, to - from));
                lock (gate)
                {
                    nan |= float.IsNaN(rl) || float.IsNaN(rh);
                    lo = Math.Min(lo, rl);
                    hi = Math.Max(hi, rh);
                }
            });
        }

        return nan ? (float.NaN, float.NaN) : (lo, hi);
    }

    private static (float Min, float Max) Sequential(ReadOnlySpan<float> values)
    {
        int i = 0;
        float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
        bool nan = false;
        if (System.Numerics.Vector.IsHardwareAccelerated && values.Length >= System.Numerics.Vector<float>.Count)
        {
            var vlo = new System.Numerics.Vector<float>(float.PositiveInfinity);
            var vhi = new System.Numerics.Vector<float>(float.NegativeInfinity);
            int w = System.Numerics.Vector<float>.Count;
            for (; i <= values.Length - w; i += w)
            {
                var v = new System.Numerics.Vector<float>(values.Slice(i, w));
                if (!System.Numerics.Vector.EqualsAll(v, v)) nan = true;
                vlo = System.Numerics.Vector.Min(vlo, v);
                vhi = System.Numerics.Vector.Max(vhi, v);
            }

            for (int k = 0; k < w; k++)
            {
                lo = Math.Min(lo, vlo[k]);
                hi = Math.Max(hi, vhi[k]);
            }
        }

        for (; i < values.Length; i++)
        {
            lo = Math.Min(lo, values[i]);
            hi = Math.Max(hi, values[i]);
        }

        return nan ? (float.NaN, float.NaN) : (lo, hi);
    }
}
