using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;

namespace ModelBuild.TestSupport.Fuzzing;

/// <summary>
/// Damages a model file the ways files get damaged or crafted: flipped bytes, overwritten runs, truncation, and for a
/// zip (`.keras`) entry-level changes — an entry dropped, duplicated or renamed, config.json's JSON corrupted, an
/// entry's bytes damaged under a valid CRC, a declared size rewritten. Everything is drawn from the given
/// <see cref="Random"/>, so the same seed on the same file gives the same bytes and the same description.
/// </summary>
public static class ModelFileMutator
{
    public static (byte[] Bytes, string Mutation) Mutate(byte[] original, bool isZip, Random rng)
    {
        if (isZip && rng.Next(2) == 0)
        {
            switch (rng.Next(6))
            {
                case 0: return DropEntry(original, rng);
                case 1: return DuplicateEntry(original, rng);
                case 2: return RenameEntry(original, rng);
                case 3: return CorruptConfigJson(original, rng);
                case 4: return DamageEntryBytes(original, rng);
                default: return ChangeDeclaredSize(original, rng);
            }
        }

        return MutateBytes(original, rng);
    }

    /// <summary>A byte-level mutation; positions favour the first and last 8 KiB, where file structure lives.</summary>
    public static (byte[] Bytes, string Mutation) MutateBytes(byte[] original, Random rng)
    {
        var bytes = (byte[])original.Clone();
        switch (rng.Next(3))
        {
            case 0:
                {
                    int count = 1 + rng.Next(8);
                    var at = new List<string>();
                    for (int i = 0; i < count; i++)
                    {
                        int p = Position(bytes.Length, rng);
                        byte mask = rng.Next(2) == 0 ? (byte)(1 << rng.Next(8)) : (byte)(1 + rng.Next(255));
                        bytes[p] ^= mask;
                        at.Add($"{p}^0x{mask:X2}");
                    }

                    return (bytes, $"flip {string.Join(",", at)}");
                }
            case 1:
                {
                    int start = Position(bytes.Length, rng);
                    int length = Math.Min(1 + rng.Next(256), bytes.Length - start);
                    int kind = rng.Next(3);
                    for (int i = 0; i < length; i++)
                        bytes[start + i] = kind switch { 0 => 0x00, 1 => 0xFF, _ => (byte)rng.Next(256) };
                    return (bytes, $"run of {length} {(kind switch { 0 => "0x00", 1 => "0xFF", _ => "random" })} bytes at {start}");
                }
            default:
                {
                    int length = rng.Next(2) == 0 ? rng.Next(bytes.Length) : Position(bytes.Length, rng);
                    return (bytes[..length], $"truncate to {length} of {bytes.Length} bytes");
                }
        }
    }

    private static int Position(int length, Random rng)
    {
        int window = Math.Min(8192, length);
        return rng.Next(5) switch
        {
            0 or 1 => rng.Next(window),
            2 => length - 1 - rng.Next(window),
            _ => rng.Next(length),
        };
    }

    private static List<(string Name, byte[] Data)> Entries(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        return archive.Entries.Select(e =>
        {
            using var s = e.Open();
            var m = new MemoryStream();
            s.CopyTo(m);
            return (e.FullName, m.ToArray());
        }).ToList();
    }

    private static byte[] Zip(IEnumerable<(string Name, byte[] Data)> entries)
    {
        var m = new MemoryStream();
        using (var archive = new ZipArchive(m, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, data) in entries)
            {
                using var s = archive.CreateEntry(name, CompressionLevel.Fastest).Open();
                s.Write(data);
            }
        }

        return m.ToArray();
    }

    private static (byte[], string) DropEntry(byte[] zip, Random rng)
    {
        var entries = Entries(zip);
        int i = rng.Next(entries.Count);
        var name = entries[i].Name;
        entries.RemoveAt(i);
        return (Zip(entries), $"drop entry {name}");
    }

    private static (byte[], string) DuplicateEntry(byte[] zip, Random rng)
    {
        var entries = Entries(zip);
        int i = rng.Next(entries.Count);
        var copy = entries[i];
        string damage = "";
        if (rng.Next(2) == 0)
        {
            var (bytes, mutation) = MutateBytes(copy.Data, rng);
            copy = (copy.Name, bytes);
            damage = $" (the copy: {mutation})";
        }

        int at = rng.Next(entries.Count + 1);
        entries.Insert(at, copy);
        return (Zip(entries), $"duplicate entry {copy.Name} at {at}{damage}");
    }

    private static readonly string[] OtherNames = ["Config.json", "config.json ", "model/config.json", "weights.h5", "model.weights.h5", "config.json", "metadata.json", ""];

    private static (byte[], string) RenameEntry(byte[] zip, Random rng)
    {
        var entries = Entries(zip);
        int i = rng.Next(entries.Count);
        var to = OtherNames[rng.Next(OtherNames.Length)];
        if (to.Length == 0) to = "x";
        var from = entries[i].Name;
        entries[i] = (to, entries[i].Data);
        return (Zip(entries), $"rename entry {from} to '{to}'");
    }

    private static (byte[], string) DamageEntryBytes(byte[] zip, Random rng)
    {
        var entries = Entries(zip);
        int i = rng.Next(entries.Count);
        var (bytes, mutation) = MutateBytes(entries[i].Data, rng);
        entries[i] = (entries[i].Name, bytes);
        return (Zip(entries), $"entry {entries[i].Name} (valid CRC): {mutation}");
    }

    private static readonly Func<JsonNode?>[] Replacements =
    [
        () => null, () => -1, () => 0, () => 1_000_000_000, () => 2147483648L, () => 1.5, () => "x", () => "",
        () => new JsonArray(), () => new JsonObject(), () => true, () => new JsonArray(-1, 0, 3),
    ];

    private static (byte[], string) CorruptConfigJson(byte[] zip, Random rng)
    {
        var entries = Entries(zip);
        int i = entries.FindIndex(e => e.Name == "config.json");
        if (i < 0) return DropEntry(zip, rng);
        var text = Encoding.UTF8.GetString(entries[i].Data);
        string mutation;
        if (rng.Next(4) == 0)
        {
            int cut = rng.Next(text.Length);
            text = text[..cut];
            mutation = $"config.json cut to {cut} characters";
        }
        else
        {
            var root = JsonNode.Parse(text)!;
            var nodes = new List<JsonNode>();
            Collect(root, nodes);
            var target = nodes[1 + rng.Next(nodes.Count - 1)];
            var path = target.GetPath();
            var parent = target.Parent!;
            if (rng.Next(4) == 0 && parent is JsonObject obj)
            {
                obj.Remove(target.GetPropertyName());
                mutation = $"config.json: remove {path}";
            }
            else
            {
                int r = rng.Next(Replacements.Length);
                var replacement = Replacements[r]();
                target.ReplaceWith(replacement);
                mutation = $"config.json: {path} = {replacement?.ToJsonString() ?? "null"}";
            }

            text = root.ToJsonString();
        }

        entries[i] = (entries[i].Name, Encoding.UTF8.GetBytes(text));
        return (Zip(entries), mutation);
    }

    private static void Collect(JsonNode node, List<JsonNode> into)
    {
        into.Add(node);
        if (node is JsonObject o) foreach (var (_, v) in o) { if (v is not null) Collect(v, into); }
        else if (node is JsonArray a) foreach (var v in a) { if (v is not null) Collect(v, into); }
    }

    /// <summary>Rewrites a compressed or uncompressed size in a central-directory record or a local header.</summary>
    private static (byte[], string) ChangeDeclaredSize(byte[] zip, Random rng)
    {
        var bytes = (byte[])zip.Clone();
        var records = new List<(int Offset, bool Central)>();
        for (int p = 0; p + 46 <= bytes.Length; p++)
        {
            uint signature = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(p));
            if (signature == 0x02014b50) records.Add((p, true));
            else if (signature == 0x04034b50) records.Add((p, false));
        }

        if (records.Count == 0) return MutateBytes(zip, rng);
        var (at, central) = records[rng.Next(records.Count)];
        int field = at + (central ? 20 : 18) + (rng.Next(2) == 0 ? 0 : 4);
        uint old = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(field));
        uint size = rng.Next(5) switch
        {
            0 => 0,
            1 => old + 1,
            2 => old > 0 ? old - 1 : 1,
            3 => 0xFFFFFFFF,
            _ => (uint)rng.Next(),
        };
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(field), size);
        var name = Encoding.UTF8.GetString(bytes, at + (central ? 46 : 30),
            Math.Min(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at + (central ? 28 : 26))), bytes.Length - at - (central ? 46 : 30)));
        return (bytes, $"{(central ? "central" : "local")} {((field - at) is 20 or 18 ? "compressed" : "uncompressed")} size of {name}: {old} -> {size}");
    }
}
