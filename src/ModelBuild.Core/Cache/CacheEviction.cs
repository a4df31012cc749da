namespace ModelBuild.Core.Cache;

/// <summary>
/// Keeps a cache under its size cap: removes the least recently used entries (oldest entry.json write time) until the
/// rest fit, and sweeps tmp/ of publishes and removals that a killed build left behind.
/// </summary>
public static class CacheEviction
{
    /// <summary>Leftovers in tmp/ older than this belong to no running build.</summary>
    public static readonly TimeSpan StaleTemporary = TimeSpan.FromHours(1);

    /// <summary>Returns the entries removed.</summary>
    public static IReadOnlyList<CacheEntryInfo> Evict(ModelCache cache, long maxBytes)
    {
        SweepTemporary(cache, DateTime.UtcNow - StaleTemporary);
        var entries = cache.Entries().OrderBy(e => e.LastUsedUtc).ThenBy(e => e.Key, StringComparer.Ordinal).ToList();
        long total = entries.Sum(e => e.Bytes);
        var removed = new List<CacheEntryInfo>();
        foreach (var e in entries)
        {
            if (total <= maxBytes) break;
            cache.Remove(e.Directory);
            total -= e.Bytes;
            removed.Add(e);
        }

        return removed;
    }

    /// <summary>Deletes what tmp/ holds from before <paramref name="olderThanUtc"/>.</summary>
    public static int SweepTemporary(ModelCache cache, DateTime olderThanUtc)
    {
        if (!Directory.Exists(cache.TempDirectory)) return 0;
        int swept = 0;
        foreach (var dir in Directory.EnumerateDirectories(cache.TempDirectory))
        {
            if (Directory.GetLastWriteTimeUtc(dir) >= olderThanUtc) continue;
            ModelCache.DeleteQuietly(dir);
            swept++;
        }

        return swept;
    }
}
