using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelBuild.Core.Diagnostics;

namespace ModelBuild.Core.Keras;

/// <summary>
/// The two entries of a Keras 3 `.keras` zip that ModelBuild needs, read in memory (nothing is extracted):
/// config.json and the bytes of model.weights.h5. Declared sizes are checked before anything is inflated, and
/// an entry that inflates past its declared size is refused, so a zip bomb costs neither memory nor time; each entry's
/// CRC-32 is checked.
/// </summary>
internal static class KerasArchive
{
    public const string ConfigEntry = "config.json";
    public const string WeightsEntry = "model.weights.h5";

    public const string MissingEntryCode = "MB1010";
    public const string UnreadableCode = "MB1011";
    public const string OversizedCode = "MB1012";
    public const string DamagedWeightsCode = "MB1013";

    /// <summary>Deflate cannot expand data by more than about 1032:1.</summary>
    private const long MaxDeflateRatio = 1032;

    /// <summary>Float weights and JSON never compress 100:1 at this size; an entry that claims to is a zip bomb.</summary>
    private const long SuspiciousSize = 64L << 20;
    private const long SuspiciousRatio = 100;

    /// <summary>config.json, model.weights.h5 and the major of metadata.json's keras_version (3 when it is missing or unreadable).</summary>
    public static (JsonObject Config, byte[] Weights, int KerasMajor) Read(string path)
    {
        using var stream = OpenRead(path);
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read);
            try
            {
                // ZipArchive reads the central directory on first use of its entries: read it here, where its damage is MB1011.
                _ = zip.Entries.Count;
            }
            catch
            {
                zip.Dispose();
                throw;
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new ModelBuildException(UnreadableCode, path,
                $"starts like a Keras .keras archive (a zip) but cannot be read as one ({e.Message}); it may be truncated — copy it again, or save the model again with model.save(\"model.keras\").", e);
        }

        using (zip)
        {
            var configEntry = Entry(zip, ConfigEntry, path);
            var weightsEntry = Entry(zip, WeightsEntry, path);
            var configBytes = ReadEntry(configEntry, stream.Length, path, UnreadableCode);
            var weights = ReadEntry(weightsEntry, stream.Length, path, DamagedWeightsCode);
            return (ParseConfig(configBytes, path), weights, KerasMajor(zip, stream.Length, path));
        }
    }

    /// <summary>tf.keras 2.13–2.15 also wrote `.keras` archives; their activations follow Keras 2.</summary>
    private static int KerasMajor(ZipArchive zip, long fileLength, string path)
    {
        if (zip.GetEntry("metadata.json") is not { } entry) return 3;
        try
        {
            var version = JsonNode.Parse(ReadEntry(entry, fileLength, path, UnreadableCode))?["keras_version"]?.GetValue<string>();
            return version is not null && int.TryParse(version.Split('.')[0], out var major) ? major : 3;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return 3;
        }
    }

    private static FileStream OpenRead(string path)
    {
        try
        {
            return File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelBuildException("MB1002", path, $"could not be opened ({e.Message}); check that the file is readable.", e);
        }
    }

    private static ZipArchiveEntry Entry(ZipArchive zip, string name, string path) =>
        zip.GetEntry(name) ?? throw new ModelBuildException(MissingEntryCode, path,
            $"is a zip without '{name}' (it holds: {Describe(zip)}); a Keras model archive has config.json and model.weights.h5 — save the whole model with model.save(\"model.keras\").");

    private static string Describe(ZipArchive zip) =>
        zip.Entries.Count == 0 ? "nothing" : string.Join(", ", zip.Entries.Take(8).Select(e => e.FullName)) + (zip.Entries.Count > 8 ? ", ..." : "");

    private static byte[] ReadEntry(ZipArchiveEntry entry, long fileLength, string path, string damagedCode)
    {
        var declared = entry.Length;
        var compressed = entry.CompressedLength;
        if (declared > Array.MaxLength)
            throw new ModelBuildException(OversizedCode, path,
                $"entry '{entry.FullName}' declares {declared:N0} bytes; ModelBuild reads a .keras archive's entries in memory, up to 2 GiB each. Split the model, or save it as .h5 with model.save(\"model.h5\").");
        if (compressed > fileLength || declared > compressed * MaxDeflateRatio + 1024
            || (declared > SuspiciousSize && declared > compressed * SuspiciousRatio))
            throw Oversized(entry, fileLength, path, $"declares {declared:N0} bytes from {compressed:N0} compressed");

        var bytes = new byte[declared];
        try
        {
            using var data = entry.Open();
            int read = 0, n;
            while (read < bytes.Length && (n = data.Read(bytes, read, bytes.Length - read)) > 0) read += n;
            if (read < bytes.Length) throw new InvalidDataException($"it ends after {read:N0} of its {declared:N0} bytes");
            if (data.Read(new byte[1], 0, 1) > 0) throw Oversized(entry, fileLength, path, $"inflates past the {declared:N0} bytes it declares");
            var crc = ZipCrc32.Of(bytes);
            if (crc != entry.Crc32) throw new InvalidDataException($"its CRC-32 is {crc:x8}, the archive records {entry.Crc32:x8}");
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new ModelBuildException(damagedCode, path,
                $"entry '{entry.FullName}' of the .keras archive is damaged ({e.Message}); copy the file again, or save the model again with model.save(\"model.keras\").", e);
        }

        return bytes;
    }

    private static ModelBuildException Oversized(ZipArchiveEntry entry, long fileLength, string path, string what) =>
        new(OversizedCode, path,
            $"entry '{entry.FullName}' {what}, more than a {fileLength:N0}-byte archive can hold (a zip bomb, or a damaged archive); ModelBuild does not inflate it. Save the model again with model.save(\"model.keras\").");

    private static JsonObject ParseConfig(byte[] bytes, string path)
    {
        try
        {
            return JsonNode.Parse(bytes) as JsonObject ?? throw new JsonException("not a JSON object");
        }
        catch (JsonException e)
        {
            throw new ModelBuildException("MB1009", path, $"its {ConfigEntry} is not valid JSON ({e.Message}); save the model again with model.save(\"model.keras\").", e);
        }
    }
}
