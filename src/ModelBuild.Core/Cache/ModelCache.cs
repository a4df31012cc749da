using System.Globalization;
using System.Security.Cryptography;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Files;

namespace ModelBuild.Core.Cache;

/// <summary>What <see cref="ModelCache.Entries"/> finds in the cache: an entry (or why it is unreadable), its size and last use.</summary>
public sealed record CacheEntryInfo(string Key, string Directory, CacheEntry? Entry, string? Problem, long Bytes, DateTime LastUsedUtc);

/// <summary>
/// A content-addressed cache of the steps' outputs, in a folder that one machine or many (a CI cache, a shared
/// folder) read and write at the same time:
/// <code>
/// entries/&lt;key&gt;/entry.json, files/…   one published entry, never changed once published
/// tmp/                                 entries being written, and entries being removed
/// </code>
/// An entry is written whole under tmp/ and then renamed into entries/, so a reader sees a complete entry or none;
/// of two builds publishing one key, the second finds it there and drops its copy. A restore copies the files out
/// while checking their size and SHA-256; a bad entry is removed with warning MB5020. entry.json's write time is the
/// entry's last use: the least recently used entries go first when the cache is over its cap.
/// </summary>
public sealed class ModelCache
{
    public const string EnvironmentVariable = "MODELBUILD_CACHE";

    private const int CopyBufferBytes = 1 << 20;

    public ModelCache(string directory, string engine, long? maxBytes = null)
    {
        Directory = Path.GetFullPath(directory);
        Engine = engine;
        MaxBytes = maxBytes;
    }

    public string Directory { get; }

    /// <summary>The engine identity every key includes (<see cref="EngineIdentity"/>).</summary>
    public string Engine { get; }

    /// <summary>The size cap (ModelBuildCacheMaxGiB) in bytes; null = no cap.</summary>
    public long? MaxBytes { get; }

    public string EntriesDirectory => Path.Combine(Directory, "entries");

    public string TempDirectory => Path.Combine(Directory, "tmp");

    /// <summary>The cache as MSBuild configures it: null (off) when <paramref name="directory"/> is empty.</summary>
    public static ModelCache? Open(string? directory, string? maxGiB, string engine) =>
        string.IsNullOrWhiteSpace(directory) ? null : new ModelCache(directory.Trim(), engine, ParseMaxGiB(maxGiB));

    /// <summary>ModelBuildCacheMaxGiB in bytes: empty = no cap; decimals allowed (invariant culture).</summary>
    public static long? ParseMaxGiB(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var gib) && gib > 0 && double.IsFinite(gib))
            return (long)Math.Min(long.MaxValue / 2.0, gib * 1024 * 1024 * 1024);
        throw new ModelBuildException(CacheCodes.InvalidMaxSize, null,
            $"ModelBuildCacheMaxGiB='{text}' is not a positive number of GiB; use e.g. 10 or 0.5, or leave it empty for no cap.");
    }

    public string EntryDirectory(string key) => Path.Combine(EntriesDirectory, key);

    /// <summary>
    /// Copies entry <paramref name="key"/>'s files into <paramref name="targetDirectory"/> (a new folder), checking each
    /// against entry.json. Null on a miss; also for a corrupt or incomplete entry, which is removed with warning MB5020
    /// naming <paramref name="file"/>. Never leaves a partial <paramref name="targetDirectory"/>.
    /// </summary>
    public CacheEntry? TryRestore(string key, string targetDirectory, IBuildLog log, string? file)
    {
        var dir = EntryDirectory(key);
        if (!System.IO.Directory.Exists(dir)) return null;
        try
        {
            var entry = CacheEntry.Read(dir, out var problem);
            if (entry is not null) problem = CopyOut(entry, dir, targetDirectory);
            if (problem is null)
            {
                MarkUsed(dir);
                return entry;
            }

            DeleteQuietly(targetDirectory);
            if (!System.IO.Directory.Exists(dir)) return null; // removed by another build meanwhile: a plain miss
            log.Warning(CacheCodes.CorruptEntry, file,
                $"the model cache entry {key} ({dir}) is corrupt or incomplete: {problem}. It is removed and this step builds its outputs again (and caches them anew).");
            Remove(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            DeleteQuietly(targetDirectory);
            log.Warning(CacheCodes.Unusable, file, $"the model cache {Directory} could not be read ({e.Message}); this step builds its outputs without it.");
        }

        return null;
    }

    /// <summary>
    /// Publishes <paramref name="files"/> (path inside the entry, source file) as entry <paramref name="key"/>, unless it
    /// is there already; then evicts down to the cap. A failure to write the cache is warning MB5021, never an error.
    /// </summary>
    public void Publish(CacheKeyBuilder key, IReadOnlyList<(string EntryPath, string Source)> files, IReadOnlyList<CacheEntryWarning> warnings, IBuildLog log, string? file)
    {
        var name = key.Key;
        var dir = EntryDirectory(name);
        var temp = Path.Combine(TempDirectory, $"{name}.publish-{Guid.NewGuid().ToString("N")[..8]}");
        try
        {
            if (System.IO.Directory.Exists(dir)) return;
            long bytes = files.Sum(f => new FileInfo(f.Source).Length);
            if (MaxBytes is { } cap && bytes > cap)
            {
                log.Progress($"{Path.GetFileName(file)}: not cached: its {bytes / 1048576.0:F1} MiB are more than the cache's cap of {cap / 1048576.0:F1} MiB (ModelBuildCacheMaxGiB)");
                return;
            }

            var written = new List<CacheEntryFile>();
            foreach (var (entryPath, source) in files)
            {
                var target = Path.Combine(temp, CacheEntry.FilesFolder, entryPath);
                System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                var (length, sha) = Place(source, target);
                written.Add(new CacheEntryFile(entryPath.Replace('\\', '/'), length, sha));
            }

            File.WriteAllText(Path.Combine(temp, CacheEntry.FileName), new CacheEntry(name, key.Inputs, written, warnings, DateTime.UtcNow).ToJson());
            System.IO.Directory.CreateDirectory(EntriesDirectory);
            try
            {
                System.IO.Directory.Move(temp, dir);
            }
            catch (IOException) when (System.IO.Directory.Exists(dir))
            {
                // Another build published the same entry first; its files are the same bytes.
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Warning(CacheCodes.Unusable, file, $"the model cache {Directory} could not be written ({e.Message}); the build's outputs are complete, they are just not cached.");
        }
        finally
        {
            DeleteQuietly(temp);
        }

        if (MaxBytes is { } max) CacheEviction.Evict(this, max);
    }

    /// <summary>Every entry folder, readable or not, with its size on disk and last use.</summary>
    public IReadOnlyList<CacheEntryInfo> Entries()
    {
        if (!System.IO.Directory.Exists(EntriesDirectory)) return [];
        var list = new List<CacheEntryInfo>();
        foreach (var dir in System.IO.Directory.EnumerateDirectories(EntriesDirectory).Order(StringComparer.Ordinal))
        {
            try
            {
                var entry = CacheEntry.Read(dir, out var problem);
                var bytes = System.IO.Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
                var manifest = Path.Combine(dir, CacheEntry.FileName);
                var used = File.Exists(manifest) ? File.GetLastWriteTimeUtc(manifest) : System.IO.Directory.GetLastWriteTimeUtc(dir);
                list.Add(new CacheEntryInfo(Path.GetFileName(dir), dir, entry, problem, bytes, used));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Removed by another build while listing.
            }
        }

        return list;
    }

    /// <summary>Removes an entry: renamed out of entries/ first (atomic for readers), then deleted.</summary>
    public void Remove(string entryDirectory)
    {
        var trash = Path.Combine(TempDirectory, $"{Path.GetFileName(entryDirectory)}.removed-{Guid.NewGuid().ToString("N")[..8]}");
        try
        {
            System.IO.Directory.CreateDirectory(TempDirectory);
            System.IO.Directory.Move(entryDirectory, trash);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return; // gone already, or not ours to remove
        }

        DeleteQuietly(trash);
    }

    private static string? CopyOut(CacheEntry entry, string entryDirectory, string targetDirectory)
    {
        System.IO.Directory.CreateDirectory(targetDirectory);
        foreach (var f in entry.Files)
        {
            var source = Path.Combine(entryDirectory, CacheEntry.FilesFolder, f.Path);
            if (!File.Exists(source)) return $"{f.Path} is missing";
            var target = Path.Combine(targetDirectory, f.Path);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var (length, sha) = Place(source, target);
            if (length != f.Bytes) return $"{f.Path} is {length} bytes, {CacheEntry.FileName} says {f.Bytes}";
            if (sha != f.Sha256) return $"{f.Path} does not match its SHA-256 in {CacheEntry.FileName}";
        }

        return null;
    }

    /// <summary>Files at least this large are linked rather than copied (see <see cref="Place"/>).</summary>
    internal const long LinkMinBytes = 1 << 20;

    /// <summary>
    /// Places <paramref name="source"/> at <paramref name="target"/> and hashes it. A file of <see cref="LinkMinBytes"/> or
    /// more (the models: 165 MB for ResNet101) becomes a hard link where the file system allows, so an entry and the files
    /// published into it or restored from it share their bytes and nothing is written. That is safe because every writer
    /// of those files replaces them (a temporary name, then a move) rather than writing into them, and a file changed in
    /// place anyway fails its hash at the next restore (MB5020). Smaller files are copied: MSBuild's up-to-date checks
    /// read the steps' small manifests (plan.json, models.json, edgetpu.json), which must carry the time they were
    /// restored, not the time the entry's file was published (a link shares that time with every other link).
    /// Elsewhere (another volume) a copy, hashed as it is read.
    /// </summary>
    private static (long Length, string Sha256) Place(string source, string target) =>
        new FileInfo(source).Length >= LinkMinBytes && AtomicFiles.TryLink(source, target)
            ? (new FileInfo(target).Length, AtomicFiles.Sha256(target))
            : CopyHashing(source, target);

    /// <summary>Copies a file, hashing what it reads: one pass checks and copies.</summary>
    private static (long Length, string Sha256) CopyHashing(string source, string target)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long length = 0;
        using (var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan))
        using (var output = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, 1))
        {
            output.SetLength(input.Length);
            var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(CopyBufferBytes);
            try
            {
                int n;
                while ((n = input.Read(buffer, 0, CopyBufferBytes)) > 0)
                {
                    hash.AppendData(buffer, 0, n);
                    output.Write(buffer, 0, n);
                    length += n;
                }
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }

            if (output.Length != length) output.SetLength(length);
        }

        return (length, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    private static void MarkUsed(string entryDirectory)
    {
        try
        {
            File.SetLastWriteTimeUtc(Path.Combine(entryDirectory, CacheEntry.FileName), DateTime.UtcNow);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read-only shared cache: the entry still restores, it just ages.
        }
    }

    internal static void DeleteQuietly(string directory)
    {
        try
        {
            if (System.IO.Directory.Exists(directory)) System.IO.Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next eviction's sweep of tmp/.
        }
    }
}
