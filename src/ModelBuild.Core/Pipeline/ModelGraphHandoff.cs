using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;

namespace ModelBuild.Core.Pipeline;

/// <summary>
/// Hands the float graph that CutModel read to ConvertInt8 in the same process (MSBuild runs one model's targets one
/// after the other on one node), so a build parses the .h5 once rather than twice (about a second for ResNet101).
/// An offered graph is keyed by the file's full path, length and write time, taken (removed) by the next read of
/// that file, and dropped after a minute otherwise, so a long-lived MSBuild node never keeps a model alive.
/// Neither step modifies the graph.
/// </summary>
internal static class ModelGraphHandoff
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);
    private static readonly object Gate = new();
    private static readonly Dictionary<string, Entry> Entries = new(StringComparer.Ordinal);
    private static Timer? s_sweeper;

    private sealed record Entry(long Length, DateTime WriteTime, ModelGraph Graph, DateTime Expires);

    /// <summary>Reads <paramref name="h5Path"/> (or takes the graph offered for it, when the file has not changed since).</summary>
    public static ModelGraph Read(string h5Path)
    {
        var key = Path.GetFullPath(h5Path);
        lock (Gate)
        {
            if (Entries.Remove(key, out var entry) && entry.Expires > DateTime.UtcNow && Matches(key, entry))
                return entry.Graph;
        }

        return KerasModelReader.Read(h5Path);
    }

    /// <summary>Keeps <paramref name="graph"/>, read from <paramref name="h5Path"/>, for the next step's <see cref="Read"/>.</summary>
    public static void Offer(string h5Path, ModelGraph graph)
    {
        var key = Path.GetFullPath(h5Path);
        var info = new FileInfo(key);
        if (!info.Exists) return;
        lock (Gate)
        {
            Entries[key] = new Entry(info.Length, info.LastWriteTimeUtc, graph, DateTime.UtcNow + Lifetime);
            s_sweeper ??= new Timer(_ => Sweep(), null, Lifetime, Lifetime);
        }
    }

    private static bool Matches(string path, Entry entry)
    {
        var info = new FileInfo(path);
        return info.Exists && info.Length == entry.Length && info.LastWriteTimeUtc == entry.WriteTime;
    }

    private static void Sweep()
    {
        lock (Gate)
        {
            foreach (var key in Entries.Where(e => e.Value.Expires <= DateTime.UtcNow).Select(e => e.Key).ToList())
                Entries.Remove(key);
            if (Entries.Count == 0)
            {
                s_sweeper?.Dispose();
                s_sweeper = null;
            }
        }
    }
}
