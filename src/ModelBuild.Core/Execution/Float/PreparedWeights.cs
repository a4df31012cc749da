using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ModelBuild.Core.Execution.Float;

/// <summary>
/// Weights prepared for a kernel (packed panels, Winograd-transformed filters), made once per weights array while
/// some kernel still holds them: float executors over one graph that are alive at the same time share them instead
/// of each holding its own copy. Held weakly, so they die with the last executor using them, not with the graph
/// (a build keeps its float graph after the accuracy report; the prepared weights must not stay with it). An entry
/// is used again only for the same kind of preparation, the same bias array and unchanged contents (a checksum of
/// weights and bias), so a graph whose arrays were edited in place gets freshly prepared weights.
/// </summary>
internal static class PreparedWeights
{
    private sealed record Entry(string Kind, float[]? Bias, ulong Checksum, WeakReference<object> Value);

    private static readonly ConditionalWeakTable<float[], List<Entry>> Table = new();

    /// <param name="kind">What <paramref name="prepare"/> makes, with every shape it depends on (e.g. "conv 64x3x3x64").</param>
    public static T Get<T>(string kind, float[] weights, float[]? bias, Func<T> prepare)
        where T : class
    {
        var entries = Table.GetOrCreateValue(weights);
        ulong checksum = Checksum(weights, bias);
        lock (entries)
        {
            foreach (var e in entries)
                if (e.Kind == kind && ReferenceEquals(e.Bias, bias) && e.Checksum == checksum && e.Value.TryGetTarget(out var kept)) return (T)kept;
        }

        var value = prepare();
        lock (entries)
        {
            entries.RemoveAll(e => e.Kind == kind);
            entries.Add(new Entry(kind, bias, checksum, new WeakReference<object>(value)));
        }

        return value;
    }

    /// <summary>A position-dependent hash of the bits of both arrays (eight interleaved lanes, then folded).</summary>
    internal static ulong Checksum(float[] weights, float[]? bias)
    {
        ulong h = Hash(weights);
        return bias is null ? h : h * 0x9E3779B97F4A7C15UL ^ Hash(bias);
    }

    private static ulong Hash(float[] data)
    {
        var bits = MemoryMarshal.Cast<float, uint>(data.AsSpan());
        var acc = Vector256.Create(0x811C9DC5U);
        var prime = Vector256.Create(0x01000193U);
        int i = 0;
        for (; i + 8 <= bits.Length; i += 8)
            acc = (acc ^ Vector256.Create<uint>(bits.Slice(i, 8))) * prime;
        ulong h = (ulong)data.Length;
        for (int lane = 0; lane < 8; lane++) h = (h ^ acc.GetElement(lane)) * 0x100000001B3UL;
        for (; i < bits.Length; i++) h = (h ^ bits[i]) * 0x100000001B3UL;
        return h;
    }
}
