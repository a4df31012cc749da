using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Quantization.Equalization;

/// <summary>
/// Mean of every element (position and channel, over the calibration samples) of the runtime input of each
/// CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED: what bias correction needs, borders included.
/// </summary>
public sealed class InputMeans : ITensorObserver
{
    private readonly Dictionary<string, (double[] Sum, long Samples)> sums = new(StringComparer.Ordinal);

    public InputMeans(ModelGraph graph)
    {
        foreach (var n in graph.Nodes)
            if (BiasCorrection.IsCorrectable(n) && n.Inputs[0] is { } x)
                sums.TryAdd(x.Name, (new double[x.ElementCount / Math.Max(1, x.Shape[0])], 0));
    }

    public void Observe(Tensor tensor, ReadOnlySpan<float> values, int batch)
    {
        if (!sums.TryGetValue(tensor.Name, out var entry)) return;
        var (sum, samples) = entry;
        if (values.Length != sum.Length * batch) return;
        for (int start = 0; start < values.Length; start += sum.Length)
        {
            var sample = values.Slice(start, sum.Length);
            for (int i = 0; i < sample.Length; i++) sum[i] += sample[i];
        }

        sums[tensor.Name] = (sum, samples + batch);
    }

    /// <summary>The mean of each element of one sample of <paramref name="tensor"/>, or null when it was not observed.</summary>
    public float[]? Of(Tensor tensor) =>
        sums.TryGetValue(tensor.Name, out var e) && e.Samples > 0 ? e.Sum.Select(v => (float)(v / e.Samples)).ToArray() : null;
}
