using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ModelBuild.Core.Cache;

/// <summary>
/// Builds the key of one cache entry: SHA-256 over a canonical text of named inputs — settings as text, files by their
/// content's SHA-256 — prefixed with the entry's kind (<c>plan-</c>, <c>int8-</c>, <c>edgetpu-</c>) so a listing says
/// what each entry holds. The text itself (<see cref="Inputs"/>) is stored in the entry to explain a miss.
/// </summary>
public sealed class CacheKeyBuilder
{
    /// <summary>Bumped when the entry layout or a key recipe changes meaning, so old entries simply stop matching.</summary>
    public const string Format = "modelbuild-cache-1";

    private readonly string _kind;
    private readonly StringBuilder _text = new();

    public CacheKeyBuilder(string kind)
    {
        if (kind.Length == 0 || !kind.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)))
            throw new ArgumentException($"a cache entry kind is lower-case letters and digits, not '{kind}'", nameof(kind));
        _kind = kind;
        Add("format", Format);
        Add("kind", kind);
    }

    public CacheKeyBuilder Add(string name, string? value)
    {
        _text.Append(name).Append('=').Append((value ?? "").Replace("\\", "\\\\").Replace("\n", "\\n").Replace("\r", "\\r")).Append('\n');
        return this;
    }

    public CacheKeyBuilder Add(string name, double value) => Add(name, value.ToString("R", CultureInfo.InvariantCulture));

    public CacheKeyBuilder Add(string name, bool value) => Add(name, value ? "true" : "false");

    /// <summary>A file by its content (not its path or time): the same bytes anywhere give the same key.</summary>
    public CacheKeyBuilder AddFile(string name, string path) => Add(name, "sha256:" + FileHashes.Sha256(path));

    public string Inputs => _text.ToString();

    public string Key => _kind + "-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(_text.ToString())));
}
