using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Tests.Synthesis;

/// <summary>Mean, spread, maximum and share of zeros of chosen tensors during a float run.</summary>
internal sealed class FeatureStatistics(IReadOnlyCollection<string> names) : ITensorObserver
{
    public sealed record Stats(double Mean, double Std, double Max, double ZeroFraction, bool Finite);

    public Dictionary<string, Stats> Results { get; } = [];

    public void Observe(Tensor tensor, ReadOnlySpan<float> values, int batch)
    {
        if (!names.Contains(tensor.Name)) return;
        double sum = 0, squares = 0, max = double.NegativeInfinity;
        int zeros = 0;
        bool finite = true;
        foreach (var v in values)
        {
            finite &= float.IsFinite(v);
            sum += v;
            squares += (double)v * v;
            max = Math.Max(max, v);
            if (v == 0) zeros++;
        }

        double mean = sum / values.Length;
        Results[tensor.Name] = new Stats(mean, Math.Sqrt(Math.Max(squares / values.Length - mean * mean, 0)), max, zeros / (double)values.Length, finite);
    }
}
