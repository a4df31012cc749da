using ModelBuild.Core.Cache;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Cache;

/// <summary>A scratch cache and step outputs to put in it.</summary>
internal static class CacheTestFiles
{
    public static ModelCache NewCache(long? maxBytes = null) =>
        new(Path.Combine(RepoPaths.NewScratchDirectory("cache"), "cache"), "engine-under-test", maxBytes);

    /// <summary>A folder with two files (one in a subfolder) of <paramref name="bytes"/> bytes each, seeded by <paramref name="seed"/>.</summary>
    public static string NewOutputs(int seed, int bytes = 4096)
    {
        var dir = RepoPaths.NewScratchDirectory("outputs");
        var random = new Random(seed);
        var a = new byte[bytes];
        var b = new byte[bytes];
        random.NextBytes(a);
        random.NextBytes(b);
        File.WriteAllBytes(Path.Combine(dir, "seg1_int8.tflite"), a);
        Directory.CreateDirectory(Path.Combine(dir, "sub"));
        File.WriteAllBytes(Path.Combine(dir, "sub", "models.json"), b);
        return dir;
    }

    public static List<(string, string)> FilesOf(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .Select(f => (Path.GetRelativePath(dir, f).Replace('\\', '/'), f)).OrderBy(f => f.Item1, StringComparer.Ordinal).ToList();

    public static CacheKeyBuilder Key(string value) => new CacheKeyBuilder("int8").Add("test", value);

    public static void AssertSameFiles(string expected, string actual)
    {
        var e = FilesOf(expected);
        var a = FilesOf(actual);
        CollectionAssert.AreEqual(e.Select(f => f.Item1).ToList(), a.Select(f => f.Item1).ToList(), "the same files");
        foreach (var ((_, ef), (_, af)) in e.Zip(a))
            CollectionAssert.AreEqual(File.ReadAllBytes(ef), File.ReadAllBytes(af), Path.GetFileName(ef));
    }
}
