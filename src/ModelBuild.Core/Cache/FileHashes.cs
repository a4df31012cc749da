using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace ModelBuild.Core.Cache;

/// <summary>
/// SHA-256 of files, remembered per full path, length and write time, so the steps of one build (one MSBuild node)
/// hash a 170 MB model once, not once per cache key.
/// </summary>
public static class FileHashes
{
    private static readonly ConcurrentDictionary<string, (long Length, DateTime WriteTime, string Hash)> Known = new(StringComparer.Ordinal);

    public static string Sha256(string path)
    {
        var full = Path.GetFullPath(path);
        var info = new FileInfo(full);
        if (Known.TryGetValue(full, out var k) && k.Length == info.Length && k.WriteTime == info.LastWriteTimeUtc) return k.Hash;
        string hash;
        using (var stream = File.OpenRead(full)) hash = Convert.ToHexStringLower(SHA256.HashData(stream));
        Known[full] = (info.Length, info.LastWriteTimeUtc, hash);
        return hash;
    }
}
