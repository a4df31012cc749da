using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Files;

namespace ModelBuild.Core.Cache;

/// <summary>
/// One pipeline step's use of the cache: try to restore its outputs before it works, publish them after, and record
/// the warnings it gives so a restore gives them again. With the cache off every call does nothing. The step logs
/// through this object (<see cref="IBuildLog"/>) so its warnings are recorded.
/// </summary>
public sealed class CachedStep : IBuildLog
{
    private readonly ModelCache? _cache;
    private readonly CacheKeyBuilder? _key;
    private readonly IBuildLog _log;
    private readonly string _modelFile;
    private readonly List<CacheEntryWarning> _warnings = [];

    private CachedStep(ModelCache? cache, CacheKeyBuilder? key, IBuildLog log, string modelFile)
    {
        _cache = cache;
        _key = key;
        _log = log;
        _modelFile = modelFile;
    }

    /// <summary>The entry's key, or null when the cache is off.</summary>
    public string? Key => _key?.Key;

    /// <param name="key">The step's key recipe; not called when the cache is off. When it fails on bad input (a
    /// calibration folder or an earlier step's output that does not exist…) the cache stays off for this step, and the step reports the error.</param>
    public static CachedStep Start(ModelCache? cache, Func<ModelCache, CacheKeyBuilder> key, string modelFile, IBuildLog log)
    {
        if (cache is null) return new CachedStep(null, null, log, modelFile);
        try
        {
            return new CachedStep(cache, key(cache), log, modelFile);
        }
        catch (Exception e) when (e is ModelBuildException or FileNotFoundException or DirectoryNotFoundException)
        {
            return new CachedStep(null, null, log, modelFile); // an input is missing: the step itself says so
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Warning(CacheCodes.Unusable, modelFile, $"the model cache key could not be computed ({e.Message}); this step builds without the cache.");
            return new CachedStep(null, null, log, modelFile);
        }
    }

    /// <summary>Restores the entry as the whole folder <paramref name="directory"/> (swapped in at once); true on a hit.</summary>
    public bool TryRestoreDirectory(string directory)
    {
        if (_cache is null || _key is null) return false;
        using var staging = StagingDirectory.For(directory);
        var entry = _cache.TryRestore(_key.Key, staging.Path, _log, _modelFile);
        if (entry is null) return false;
        staging.Commit();
        Announce(entry);
        return true;
    }

    /// <summary>Restores the entry's one file <paramref name="entryPath"/> as <paramref name="target"/>; true on a hit.</summary>
    public bool TryRestoreFile(string entryPath, string target)
    {
        if (_cache is null || _key is null) return false;
        using var staging = StagingDirectory.For(target); // the entry's folder, out of which the one file is moved
        var entry = _cache.TryRestore(_key.Key, staging.Path, _log, _modelFile);
        if (entry is null) return false;
        File.Move(Path.Combine(staging.Path, entryPath), target, overwrite: true);
        Announce(entry);
        return true;
    }

    /// <summary>Publishes every file under <paramref name="directory"/> (relative paths) as the entry.</summary>
    public void PublishDirectory(string directory)
    {
        if (_cache is null || _key is null) return;
        var files = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Select(f => (Path.GetRelativePath(directory, f).Replace('\\', '/'), f))
            .OrderBy(f => f.Item1, StringComparer.Ordinal)
            .ToList();
        _cache.Publish(_key, files, _warnings, _log, _modelFile);
    }

    /// <summary>Publishes the one file <paramref name="source"/> as <paramref name="entryPath"/>.</summary>
    public void PublishFile(string entryPath, string source)
    {
        if (_cache is null || _key is null) return;
        _cache.Publish(_key, [(entryPath, source)], _warnings, _log, _modelFile);
    }

    public void Warning(string code, string? file, string message)
    {
        lock (_warnings) _warnings.Add(new CacheEntryWarning(code, file == _modelFile ? null : file, message));
        _log.Warning(code, file, message);
    }

    public void Progress(string message) => _log.Progress(message);

    private void Announce(CacheEntry entry)
    {
        _log.Progress($"{Path.GetFileName(_modelFile)}: restored from cache {entry.Key}");
        foreach (var w in entry.Warnings) _log.Warning(w.Code, w.File ?? _modelFile, w.Message);
    }
}
