using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Quantization.Equalization;

/// <summary>
/// Smallest and largest value of each channel (last dimension) of the outputs of the ops cross-layer equalization
/// can rescale, over the calibration samples (float model): where a ReLU6 actually clips and where it never does.
/// </summary>
public sealed class ObservedChannelRanges : ITensorObserver
{
    private readonly Dictionary<string, Interval> ranges = new(StringComparer.Ordinal);

    public ObservedChannelRanges(ModelGraph graph)
    {
        foreach (var n in graph.Nodes)
            if (CrossLayerEqualization.IsEqualizable(n) && n.Outputs.Count == 1 && n.Outputs[0].Rank > 0)
            {
                int channels = n.Outputs[0].Shape[^1];
                ranges.TryAdd(n.Outputs[0].Name, Interval.Uniform(channels, float.PositiveInfinity, float.NegativeInfinity));
            }
    }

    /// <summary>Runs <paramref name="graph"/> over <paramref name="samples"/> (a few at a time) and keeps the ranges.</summary>
    public static ObservedChannelRanges Measure(ModelGraph graph, IEnumerable<float[]> samples)
    {
        const int batchSize = 4;
        var ranges = new ObservedChannelRanges(graph);
        var executor = new FloatExecutor(graph);
        var input = graph.Inputs[0];
        var batch = new List<float[]>(batchSize);
        void Flush()
        {
            if (batch.Count == 0) return;
            executor.Run(new Dictionary<Tensor, float[]> { [input] = batch.SelectMany(x => x).ToArray() }, batch.Count, ranges);
            batch.Clear();
        }

        foreach (var sample in samples)
        {
            batch.Add(sample);
            if (batch.Count == batchSize) Flush();
        }

        Flush();
        return ranges;
    }

    public void Observe(Tensor tensor, ReadOnlySpan<float> values, int batch)
    {
        if (!ranges.TryGetValue(tensor.Name, out var r)) return;
        int channels = r.Channels;
        if (values.Length % channels != 0) return;
        float[] lo = r.Lo, hi = r.Hi;
        for (int start = 0; start < values.Length; start += channels)
        {
            var position = values.Slice(start, channels);
            for (int c = 0; c < position.Length; c++)
            {
                float v = position[c];
                if (v < lo[c]) lo[c] = v;
                if (v > hi[c]) hi[c] = v;
            }
        }
    }

    /// <summary>The observed range of each channel of <paramref name="tensor"/>, or null when it was not observed.</summary>
    internal Interval? Of(Tensor tensor) =>
        ranges.TryGetValue(tensor.Name, out var r) && r.Lo.Length > 0 && r.Lo[0] <= r.Hi[0] ? r : null;

    /// <summary>Channel c of <paramref name="tensor"/> was divided by s[c]: its observed values were too.</summary>
    internal void Rescaled(Tensor tensor, float[] s)
    {
        if (Of(tensor) is not { } r) return;
        for (int c = 0; c < s.Length; c++)
        {
            r.Lo[c] /= s[c];
            r.Hi[c] /= s[c];
        }
    }
}
