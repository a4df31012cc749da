using Microsoft.VisualStudio.TestTools.UnitTesting;
using ModelBuild.Core.Layout;

namespace ModelBuild.TestSupport;

/// <summary>The checks every build test makes on a model's layout in an output folder.</summary>
public static class LayoutAssert
{
    /// <summary>full_split and pairs_k2..K (K ≥ 2), each with meta.json, note.txt and its models at the sizes meta.json records.</summary>
    public static void Complete(string outDir, string model)
    {
        var meta = Meta(outDir, model);
        int k = meta.SegmentCount;
        Assert.IsGreaterThanOrEqualTo(2, k, $"{model}: the budget must cut the model");
        var expected = new[] { "full_split" }.Concat(Enumerable.Range(2, k - 1).Select(i => $"pairs_k{i}")).Order().ToArray();
        var folders = Directory.GetDirectories(Path.Combine(outDir, model)).Select(Path.GetFileName).Order().ToArray();
        CollectionAssert.AreEqual(expected, folders, $"{model} layout folders in bin");
        foreach (var folder in expected)
        {
            var combo = Meta(outDir, model, folder);
            Assert.IsTrue(File.Exists(Path.Combine(outDir, model, folder, "note.txt")), $"{folder}/note.txt");
            foreach (var m in combo.Models)
            {
                var file = Path.Combine(outDir, model, folder, m.File);
                Assert.IsTrue(File.Exists(file), $"{folder}/{m.File}");
                Assert.AreEqual(m.Bytes, new FileInfo(file).Length, $"{folder}/{m.File} size as meta.json records");
            }
        }

        Assert.HasCount(k, meta.Models, "full_split has one model per segment");
    }

    private static ComboMeta Meta(string outDir, string model, string combo = "full_split") =>
        ComboMeta.FromJson(File.ReadAllText(Path.Combine(outDir, model, combo, "meta.json")));

    /// <summary>The files matching <paramref name="pattern"/> of the model's layout in two output folders: the same names, byte for byte.</summary>
    public static void SameFiles(string expectedOutDir, string actualOutDir, string model, string pattern = "*")
    {
        var e = Files(expectedOutDir, model, pattern);
        var a = Files(actualOutDir, model, pattern);
        Assert.IsNotEmpty(e);
        CollectionAssert.AreEqual(e.Keys.ToList(), a.Keys.ToList(), "the same artifact files");
        foreach (var (rel, path) in e)
            Assert.IsTrue(File.ReadAllBytes(path).AsSpan().SequenceEqual(File.ReadAllBytes(a[rel])), $"{rel} differs between the builds");
    }

    private static SortedDictionary<string, string> Files(string outDir, string model, string pattern)
    {
        var root = Path.Combine(outDir, model);
        return new SortedDictionary<string, string>(
            Directory.GetFiles(root, pattern, SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(root, f).Replace('\\', '/')),
            StringComparer.Ordinal);
    }
}
