using ModelBuild.Core.Cache;
using ModelBuild.Core.Diagnostics;
using static ModelBuild.Core.Tests.Cache.CacheTestFiles;

namespace ModelBuild.Core.Tests.Cache;

[TestClass]
public sealed class CacheEntryTests
{
    /// <summary>A published entry of 8 KiB under key "a": its folder and its entry.json as read back.</summary>
    private static (ModelCache Cache, string Dir, CacheEntry Entry) Published()
    {
        var cache = NewCache();
        cache.Publish(Key("a"), FilesOf(NewOutputs(7)), [], new RecordingBuildLog(), "m.h5");
        var dir = cache.EntryDirectory(Key("a").Key);
        var entry = CacheEntry.Read(dir, out var problem)!;
        Assert.IsNull(problem);
        return (cache, dir, entry);
    }

    [TestMethod]
    public void Read_gives_the_kind_and_size_of_a_published_entry()
    {
        var (_, _, entry) = Published();

        Assert.AreEqual("int8", entry.Kind);
        Assert.AreEqual(8192, entry.Bytes);
    }

    [TestMethod]
    public void Verify_passes_an_untouched_entry()
    {
        var (_, dir, entry) = Published();

        Assert.IsNull(entry.Verify(dir));
    }

    [TestMethod]
    public void Verify_finds_a_changed_byte()
    {
        var (_, dir, entry) = Published();
        var file = Path.Combine(dir, CacheEntry.FilesFolder, "sub", "models.json");
        var bytes = File.ReadAllBytes(file);
        bytes[0] ^= 1;
        File.WriteAllBytes(file, bytes);

        StringAssert.Contains(entry.Verify(dir), "sub/models.json does not match its SHA-256");
    }

    [TestMethod]
    public void Read_refuses_the_entry_json_of_another_entry()
    {
        var (cache, dir, _) = Published();
        var moved = Path.Combine(cache.EntriesDirectory, Key("b").Key);
        Directory.Move(dir, moved);

        Assert.IsNull(CacheEntry.Read(moved, out var problem));
        StringAssert.Contains(problem, "belongs to entry");
    }

    [TestMethod]
    public void An_entry_json_naming_a_file_outside_the_entry_is_refused()
    {
        var cache = NewCache();
        cache.Publish(Key("a"), FilesOf(NewOutputs(8)), [], new RecordingBuildLog(), "m.h5");
        var dir = cache.EntryDirectory(Key("a").Key);
        var json = Path.Combine(dir, CacheEntry.FileName);
        File.WriteAllText(json, File.ReadAllText(json).Replace("\"sub/models.json\"", "\"../../../x\""));
        Assert.IsNull(CacheEntry.Read(dir, out var problem));
        StringAssert.Contains(problem, "outside the entry");
    }
}
