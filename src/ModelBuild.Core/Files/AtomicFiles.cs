using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace ModelBuild.Core.Files;

/// <summary>
/// File operations that never leave a half-written output behind: write to a temporary name beside the target,
/// then move into place. Hard links where the file system allows, copies elsewhere.
/// </summary>
public static partial class AtomicFiles
{
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = path + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    public static void WriteAllText(string path, string text) => WriteAllBytes(path, new System.Text.UTF8Encoding(false).GetBytes(text));

    /// <summary>Writes only when the content differs, so timestamps (and incremental builds) see no change otherwise.</summary>
    public static bool WriteIfChanged(string path, string text) => WriteBytesIfChanged(path, new System.Text.UTF8Encoding(false).GetBytes(text));

    /// <summary>Writes only when the content differs, so timestamps (and incremental builds) see no change otherwise.</summary>
    public static bool WriteBytesIfChanged(string path, ReadOnlySpan<byte> bytes)
    {
        if (File.Exists(path) && new FileInfo(path).Length == bytes.Length && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes)) return false;
        WriteAllBytes(path, bytes);
        return true;
    }

    /// <summary>True when both files exist and hold the same bytes.</summary>
    public static bool SameContent(string a, string b)
    {
        if (!File.Exists(a) || !File.Exists(b)) return false;
        if (new FileInfo(a).Length != new FileInfo(b).Length) return false;
        return File.ReadAllBytes(a).AsSpan().SequenceEqual(File.ReadAllBytes(b));
    }

    /// <summary>Places <paramref name="source"/> at <paramref name="target"/>: a hard link when possible, else a copy.</summary>
    public static void LinkOrCopy(string source, string target)
    {
        if (!TryLink(source, target)) File.Copy(source, target);
    }

    /// <summary>
    /// Makes <paramref name="target"/> a hard link to <paramref name="source"/> (replacing any file there); false where the
    /// file system does not allow it (another volume, no link support), with nothing changed but the old target gone.
    /// </summary>
    public static bool TryLink(string source, string target)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(target))!);
        if (File.Exists(target)) File.Delete(target);
        return TryHardLink(source, target);
    }

    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    public static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>
    /// Replaces directory <paramref name="target"/> with the fully written <paramref name="staging"/> directory; a
    /// failure before this point leaves the previous output untouched.
    /// </summary>
    public static void ReplaceDirectory(string staging, string target)
    {
        var old = target + ".old-" + Guid.NewGuid().ToString("N")[..8];
        if (Directory.Exists(target)) Directory.Move(target, old);
        Directory.Move(staging, target);
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
    }

    private static bool TryHardLink(string source, string target)
    {
        try
        {
            return OperatingSystem.IsWindows()
                ? CreateHardLinkW(target, source, IntPtr.Zero)
                : link(source, target) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int link(string existing, string newPath);

    [LibraryImport("kernel32.dll", StringMarshalling = StringMarshalling.Utf16)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool CreateHardLinkW(string newFile, string existingFile, IntPtr security);
}
