namespace ModelBuild.Core.Keras;

/// <summary>Tells a Keras 3 `.keras` zip from an HDF5 `.h5` by the file's first bytes; the name's extension does not decide.</summary>
internal static class KerasFileFormat
{
    public static bool IsZip(string path)
    {
        Span<byte> head = stackalloc byte[4];
        try
        {
            using var stream = File.OpenRead(path);
            if (stream.Read(head) < 4) return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        // "PK\x03\x04" starts a zip with entries, "PK\x05\x06" an empty one.
        return head[0] == 'P' && head[1] == 'K' && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6));
    }
}
