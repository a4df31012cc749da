using System.Buffers.Binary;

namespace ModelBuild.Core.Keras;

/// <summary>
/// Detects a cut-off HDF5 file from its superblock's end-of-file address. PureHDF reads dataset bytes past the
/// end of a truncated file without complaint, which would give a model with silently wrong weights.
/// </summary>
internal static class Hdf5Truncation
{
    private static readonly byte[] Signature = [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0d, 0x0a, 0x1a, 0x0a];

    /// <summary>The byte count the superblock says the file has, or null when no superblock is found.</summary>
    public static long? DeclaredLength(Stream stream)
    {
        var header = new byte[64];
        // The superblock sits at 0, 512, 1024, 2048 ... (after an optional user block).
        for (long at = 0; at + header.Length <= stream.Length; at = at == 0 ? 512 : at * 2)
        {
            stream.Position = at;
            stream.ReadExactly(header);
            if (!header.AsSpan(0, 8).SequenceEqual(Signature)) continue;
            int version = header[8];
            int offsetsSize, baseAt;
            switch (version)
            {
                case 0: offsetsSize = header[13]; baseAt = 24; break;
                case 1: offsetsSize = header[13]; baseAt = 28; break;
                case 2 or 3: offsetsSize = header[9]; baseAt = 12; break;
                default: return null;
            }

            if (offsetsSize is not (4 or 8)) return null;
            var baseAddress = Address(header, baseAt, offsetsSize);
            var eofAddress = Address(header, baseAt + 2 * offsetsSize, offsetsSize);
            return baseAddress + eofAddress;
        }

        return null;
    }

    private static long Address(byte[] b, int at, int size) =>
        size == 8 ? (long)BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(at)) : BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at));
}
