namespace ModelBuild.Core.Quantization;

/// <summary>How a calibrated tensor's quantization range is chosen from what calibration saw.</summary>
public enum RangeEstimator
{
    /// <summary>The overall minimum and maximum (TFLite's converter): nothing seen is clipped.</summary>
    MinMax,

    /// <summary>Clip the rarest 0.01 % of values on each side.</summary>
    Percentile,

    /// <summary>The range that minimizes the expected squared quantization error (clipping + rounding) over the values seen.</summary>
    Mse,
}

public static class RangeEstimators
{
    public static Func<ITensorRangeObserver> Factory(RangeEstimator estimator) => estimator switch
    {
        RangeEstimator.MinMax => () => new MinMaxObserver(),
        RangeEstimator.Percentile => () => new HistogramRangeObserver(h => h.Percentile(0.9999)),
        RangeEstimator.Mse => () => new HistogramRangeObserver(h => h.MinimumSquaredError()),
        _ => throw new ArgumentOutOfRangeException(nameof(estimator)),
    };

    public static RangeEstimator Parse(string? text, string? file = null) => (text ?? "").Trim().ToLowerInvariant() switch
    {
        "" => Default,
        "minmax" => RangeEstimator.MinMax,
        "percentile" => RangeEstimator.Percentile,
        "mse" => RangeEstimator.Mse,
        _ => throw new Diagnostics.ModelBuildException("MB3059", file, $"RangeEstimator='{text}' is not known; use MinMax, Percentile or Mse."),
    };

    /// <summary>The winner of docs/ACCURACY.md's comparison.</summary>
    public const RangeEstimator Default = RangeEstimator.MinMax;
}

/// <summary>
/// Keeps the exact minimum and maximum and a histogram of the values (<see cref="Bins"/> bins on each side of
/// zero, widened by merging neighbours when a larger value arrives), then picks the range with
/// <paramref name="choose"/>. Fixed memory; deterministic for the same values in the same order.
/// </summary>
public sealed class HistogramRangeObserver(Func<ValueHistogram, TensorRange> choose) : ITensorRangeObserver
{
    private readonly ValueHistogram histogram = new();

    public void Observe(ReadOnlySpan<float> values, int batch) => histogram.Add(values);

    public TensorRange? Range => histogram.Count == 0 ? null : histogram.HasNaN ? new TensorRange(float.NaN, float.NaN) : choose(histogram);
}

/// <summary>Counts of |v| in bins of width <see cref="Width"/>, separately for positive and negative values.</summary>
public sealed class ValueHistogram
{
    public const int Bins = 2048;

    private readonly long[] positive = new long[Bins], negative = new long[Bins];

    public float Min { get; private set; } = float.PositiveInfinity;

    public float Max { get; private set; } = float.NegativeInfinity;

    public long Count { get; private set; }

    public bool HasNaN { get; private set; }

    public double Width { get; private set; }

    public void Add(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty) return;
        var (lo, hi) = SpanRange.Of(values);
        if (float.IsNaN(lo) || float.IsNaN(hi))
        {
            HasNaN = true;
            return;
        }

        Min = Math.Min(Min, lo);
        Max = Math.Max(Max, hi);
        Count += values.Length;
        double top = Math.Max(Math.Abs(lo), Math.Abs(hi));
        if (top == 0) top = 1e-30;
        if (Width == 0) Width = top / Bins * 1.0001;
        while (top >= Width * Bins) Widen();
        double inv = 1 / Width;
        foreach (var v in values)
        {
            if (v >= 0) positive[Math.Min(Bins - 1, (int)(v * inv))]++;
            else negative[Math.Min(Bins - 1, (int)(-v * inv))]++;
        }
    }

    private void Widen()
    {
        foreach (var h in new[] { positive, negative })
        {
            for (int i = 0; i < Bins / 2; i++) h[i] = h[2 * i] + h[2 * i + 1];
            Array.Clear(h, Bins / 2, Bins / 2);
        }

        Width *= 2;
    }

    /// <summary>The range from the (1−p) quantile to the p quantile, never wider than min/max.</summary>
    public TensorRange Percentile(double p)
    {
        long clip = (long)Math.Floor(Count * (1 - p));
        return new TensorRange(Min < 0 ? -(float)Tail(negative, clip, -Min) : Min, Max > 0 ? (float)Tail(positive, clip, Max) : Max);
    }

    /// <summary>Smallest magnitude with at most <paramref name="clip"/> values beyond it on this side.</summary>
    private double Tail(long[] h, long clip, double extreme)
    {
        long beyond = 0;
        for (int i = Bins - 1; i >= 0; i--)
        {
            if (beyond + h[i] > clip) return Math.Min(extreme, (i + 1) * Width);
            beyond += h[i];
        }

        return extreme;
    }

    /// <summary>
    /// Searches the upper end, then the lower end, over fractions of max and min, for the least expected squared
    /// error: values outside are clipped to the end, values inside are off by a uniform rounding error of step²/12.
    /// </summary>
    public TensorRange MinimumSquaredError()
    {
        double lo = Math.Min(0, Min), hi = Math.Max(0, Max);
        if (hi > 0) hi = Search(f => Error(lo, f * Max), Max);
        if (lo < 0) lo = Search(f => Error(f * Min, hi), Min);
        return new TensorRange((float)Math.Max(lo, Min), (float)Math.Min(hi, Max));
    }

    private static double Search(Func<double, double> error, double extreme)
    {
        double best = 1, bestError = error(1);
        for (int k = 1; k < 100; k++)
        {
            double f = 1 - k * 0.01;
            double e = error(f);
            if (e < bestError) (best, bestError) = (f, e);
        }

        return best * extreme;
    }

    private double Error(double lo, double hi)
    {
        double step = (hi - lo) / 255, inside = step * step / 12, total = 0;
        for (int i = 0; i < Bins; i++)
        {
            double c = (i + 0.5) * Width;
            if (positive[i] != 0) total += positive[i] * (c > hi ? (c - hi) * (c - hi) : inside);
            if (negative[i] != 0) total += negative[i] * (-c < lo ? (lo + c) * (lo + c) : inside);
        }

        return total;
    }
}
