using System.Text.Json;

namespace ModelBuild.Core.Cache;

/// <summary>One file of an entry: its path inside the entry's <c>files/</c> folder, size and SHA-256.</summary>
public sealed record CacheEntryFile(string Path, long Bytes, string Sha256);

/// <summary>A warning the step gave while building the entry, given again on every restore (File null = the model).</summary>
public sealed record CacheEntryWarning(string Code, string? File, string Message);

/// <summary>
/// <c>entry.json</c>: what an entry holds (its files with their hashes), what it was built from (<see cref="Inputs"/>,
/// the key's text) and the warnings to repeat. Written last into the entry before it is published, so an entry
/// without it is incomplete.
/// </summary>
public sealed record CacheEntry(string Key, string Inputs, IReadOnlyList<CacheEntryFile> Files, IReadOnlyList<CacheEntryWarning> Warnings, DateTime CreatedUtc)
{
    public const string FileName = "entry.json";

    /// <summary>The folder under an entry holding its files.</summary>
    public const string FilesFolder = "files";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public string Kind => Key.Split('-')[0];

    public long Bytes => Files.Sum(f => f.Bytes);

    public string ToJson() => JsonSerializer.Serialize(this, Json) + "\n";

    /// <summary>The entry.json in <paramref name="entryDirectory"/>, or null with the reason when it is missing or unreadable.</summary>
    public static CacheEntry? Read(string entryDirectory, out string? problem)
    {
        var path = System.IO.Path.Combine(entryDirectory, FileName);
        problem = null;
        try
        {
            var entry = JsonSerializer.Deserialize<CacheEntry>(File.ReadAllText(path), Json);
            if (entry?.Files is null || entry.Key is null) problem = $"{FileName} is incomplete";
            else if (entry.Key != System.IO.Path.GetFileName(entryDirectory.TrimEnd('/', '\\'))) problem = $"{FileName} belongs to entry {entry.Key}";
            else if (entry.Files.Any(f => !IsInside(f.Path))) problem = $"{FileName} lists a file outside the entry";
            else return entry with { Warnings = entry.Warnings ?? [] };
        }
        catch (FileNotFoundException)
        {
            problem = $"it has no {FileName} (an incomplete copy)";
        }
        catch (DirectoryNotFoundException)
        {
            problem = $"it has no {FileName} (an incomplete copy)";
        }
        catch (JsonException e)
        {
            problem = $"{FileName} is damaged ({e.Message})";
        }

        return null;
    }

    /// <summary>Checks every file of the entry against its recorded size and SHA-256; null when all match, else what is wrong.</summary>
    public string? Verify(string entryDirectory)
    {
        foreach (var f in Files)
        {
            var path = System.IO.Path.Combine(entryDirectory, FilesFolder, f.Path);
            if (!File.Exists(path)) return $"{f.Path} is missing";
            var bytes = new FileInfo(path).Length;
            if (bytes != f.Bytes) return $"{f.Path} is {bytes} bytes, {FileName} says {f.Bytes}";
            using var stream = File.OpenRead(path);
            if (Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream)) != f.Sha256) return $"{f.Path} does not match its SHA-256 in {FileName}";
        }

        return null;
    }

    private static bool IsInside(string relative) =>
        !string.IsNullOrEmpty(relative) && !System.IO.Path.IsPathRooted(relative) && !relative.Split('/', '\\').Contains("..");
}
