using System.Globalization;
using ModelBuild.Core.Cache;

namespace ModelBuild.Cli;

/// <summary><c>modelbuild cache list|verify|prune</c>: look after a model cache folder (--dir, else MODELBUILD_CACHE).</summary>
public static class CacheCommands
{

    public static int Run(Arguments a)
    {
        var dir = a.Option("dir") ?? Environment.GetEnvironmentVariable(ModelCache.EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(dir)) throw new UsageException($"cache: give the cache folder with --dir or {ModelCache.EnvironmentVariable}.");
        var cache = new ModelCache(dir, engine: "");
        return a.Positional(0, "cache list, verify or prune") switch
        {
            "list" => List(cache),
            "verify" => Verify(cache),
            "prune" => Prune(cache, a.Option("max-gib")),
            var other => throw new UsageException($"cache: unknown command '{other}'; use list, verify or prune."),
        };
    }

    private static int List(ModelCache cache)
    {
        var entries = cache.Entries();
        foreach (var e in entries.OrderByDescending(e => e.LastUsedUtc))
            Console.WriteLine($"{e.Key}  {MiB(e.Bytes),9}  used {e.LastUsedUtc:yyyy-MM-dd HH:mm}Z  "
                              + (e.Entry is { } entry ? $"{entry.Files.Count} files, created {entry.CreatedUtc:yyyy-MM-dd HH:mm}Z" : "unreadable: " + e.Problem));
        Console.WriteLine($"{entries.Count} entries, {MiB(entries.Sum(e => e.Bytes))} in {cache.Directory}");
        return 0;
    }

    private static int Verify(ModelCache cache)
    {
        var bad = 0;
        var entries = cache.Entries();
        foreach (var e in entries)
        {
            var problem = e.Problem ?? e.Entry!.Verify(e.Directory);
            if (problem is null) continue;
            bad++;
            Console.WriteLine($"{CacheCodes.CorruptEntry}: {e.Key}: {problem}");
        }

        Console.WriteLine($"{entries.Count - bad} of {entries.Count} entries verified{(bad > 0 ? $"; {bad} corrupt or incomplete (`modelbuild cache prune` removes them)" : "")}");
        return bad == 0 ? 0 : 1;
    }

    private static int Prune(ModelCache cache, string? maxGiB)
    {
        int removed = 0;
        foreach (var e in cache.Entries())
        {
            if ((e.Problem ?? e.Entry!.Verify(e.Directory)) is null) continue;
            cache.Remove(e.Directory);
            removed++;
        }

        int swept = CacheEviction.SweepTemporary(cache, DateTime.UtcNow - CacheEviction.StaleTemporary);
        int evicted = 0;
        if (maxGiB is not null)
        {
            var cap = ModelCache.ParseMaxGiB(maxGiB) ?? throw new UsageException("--max-gib needs a number of GiB.");
            evicted = CacheEviction.Evict(cache, cap).Count;
        }

        var left = cache.Entries();
        Console.WriteLine($"removed {removed} corrupt or incomplete entries, {evicted} least recently used, {swept} leftovers in tmp/; "
                          + $"{left.Count} entries, {MiB(left.Sum(e => e.Bytes))} left");
        return 0;
    }

    private static string MiB(long bytes) => (bytes / 1048576.0).ToString("F1", CultureInfo.InvariantCulture) + " MiB";
}
