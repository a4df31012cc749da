using ModelBuild.Core.Cache;
using ModelBuild.Core.Diagnostics;
using static ModelBuild.Core.Tests.Cache.CacheTestFiles;

namespace ModelBuild.Core.Tests.Cache;

[TestClass]
public sealed class ModelCacheTests
{
    [TestMethod]
    public void A_published_entry_restores_the_same_files_and_warnings()
    {
        var cache = NewCache();
        var outputs = NewOutputs(1);
        var log = new RecordingBuildLog();
        cache.Publish(Key("a"), FilesOf(outputs), [new CacheEntryWarning("MB2005", null, "too big")], log, "m.h5");
        Assert.IsEmpty(log.Warnings);

        var target = Path.Combine(cache.Directory, "..", "restored");
        var entry = cache.TryRestore(Key("a").Key, target, log, "m.h5");
        Assert.IsNotNull(entry);
        AssertSameFiles(outputs, target);
        Assert.AreEqual("MB2005", entry.Warnings.Single().Code);
        Assert.AreEqual(Key("a").Inputs, entry.Inputs, "the entry says what it was built from");
        Assert.IsEmpty(Directory.GetFileSystemEntries(cache.TempDirectory), "nothing left in tmp/");
    }

    [TestMethod]
    public void A_model_of_a_MiB_or_more_is_restored_as_a_link_to_the_entry_and_a_small_manifest_as_a_fresh_copy()
    {
        var cache = NewCache();
        var outputs = NewOutputs(2, bytes: (int)ModelCache.LinkMinBytes);
        File.WriteAllText(Path.Combine(outputs, "plan.json"), "{}"); // a small manifest beside the two large files
        var log = new RecordingBuildLog();
        cache.Publish(Key("a"), FilesOf(outputs), [], log, "m.h5");
        var entryFiles = Path.Combine(cache.EntryDirectory(Key("a").Key), CacheEntry.FilesFolder);
        var old = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        foreach (var f in Directory.GetFiles(entryFiles, "*", SearchOption.AllDirectories)) File.SetLastWriteTimeUtc(f, old);

        var before = DateTime.UtcNow.AddSeconds(-2);
        var target = Path.Combine(cache.Directory, "..", "restored");
        Assert.IsNotNull(cache.TryRestore(Key("a").Key, target, log, "m.h5"));

        AssertSameFiles(outputs, target);
        Assert.IsGreaterThan(before, File.GetLastWriteTimeUtc(Path.Combine(target, "plan.json")), "MSBuild's up-to-date checks see a manifest restored now");
        // The model shares its bytes with the entry's file: written to in place, the one shows in the other.
        using (var entryModel = File.OpenWrite(Path.Combine(entryFiles, "seg1_int8.tflite"))) entryModel.WriteByte(0x5A);
        Assert.AreEqual(0x5A, File.ReadAllBytes(Path.Combine(target, "seg1_int8.tflite"))[0]);
        Assert.IsEmpty(log.Warnings);
    }

    [TestMethod]
    public void Models_replaced_as_the_store_writes_them_leave_the_entry_they_were_linked_with_intact()
    {
        var cache = NewCache();
        var outputs = NewOutputs(3, bytes: 2 * (int)ModelCache.LinkMinBytes);
        var original = File.ReadAllBytes(Path.Combine(outputs, "seg1_int8.tflite"));
        var log = new RecordingBuildLog();
        cache.Publish(Key("a"), FilesOf(outputs), [], log, "m.h5");
        var restored = Path.Combine(cache.Directory, "..", "restored");
        Assert.IsNotNull(cache.TryRestore(Key("a").Key, restored, log, "m.h5"));

        // The published outputs and the restored ones are rewritten as ModelStore writes: a temporary name, then a move.
        Core.Files.AtomicFiles.WriteAllBytes(Path.Combine(outputs, "seg1_int8.tflite"), new byte[100]);
        Core.Files.AtomicFiles.WriteAllBytes(Path.Combine(restored, "seg1_int8.tflite"), new byte[200]);

        var again = Path.Combine(cache.Directory, "..", "restored-again");
        Assert.IsNotNull(cache.TryRestore(Key("a").Key, again, log, "m.h5"), "the entry still restores");
        CollectionAssert.AreEqual(original, File.ReadAllBytes(Path.Combine(again, "seg1_int8.tflite")));
        Assert.IsEmpty(log.Warnings, "no entry was found corrupt");
    }

    [TestMethod]
    public void An_unknown_key_is_a_miss_without_a_warning_or_a_target_folder()
    {
        var cache = NewCache();
        var log = new RecordingBuildLog();
        var target = Path.Combine(cache.Directory, "..", "restored");
        Assert.IsNull(cache.TryRestore(Key("nothing").Key, target, log, "m.h5"));
        Assert.IsEmpty(log.Warnings);
        Assert.IsFalse(Directory.Exists(target));
    }

    [TestMethod]
    [DataRow("truncated")]
    [DataRow("flipped")]
    [DataRow("missing file")]
    [DataRow("no entry.json")]
    [DataRow("damaged entry.json")]
    public void A_corrupt_entry_is_a_miss_with_warning_MB5020_and_is_removed(string damage)
    {
        var cache = NewCache();
        cache.Publish(Key("a"), FilesOf(NewOutputs(2)), [], new RecordingBuildLog(), "m.h5");
        var dir = cache.EntryDirectory(Key("a").Key);
        var file = Path.Combine(dir, CacheEntry.FilesFolder, "seg1_int8.tflite");
        switch (damage)
        {
            case "truncated":
                using (var s = File.OpenWrite(file)) s.SetLength(100);
                break;
            case "flipped":
                var bytes = File.ReadAllBytes(file);
                bytes[2000] ^= 0x40;
                File.WriteAllBytes(file, bytes);
                break;
            case "missing file":
                File.Delete(file);
                break;
            case "no entry.json":
                File.Delete(Path.Combine(dir, CacheEntry.FileName));
                break;
            case "damaged entry.json":
                File.WriteAllText(Path.Combine(dir, CacheEntry.FileName), "{ \"key\": ");
                break;
        }

        var log = new RecordingBuildLog();
        var target = Path.Combine(cache.Directory, "..", "restored");
        Assert.IsNull(cache.TryRestore(Key("a").Key, target, log, "m.h5"));
        var warning = log.Warnings.Single();
        Assert.AreEqual(CacheCodes.CorruptEntry, warning.Code);
        Assert.AreEqual("m.h5", warning.File);
        StringAssert.Contains(warning.Message, Key("a").Key);
        Assert.IsFalse(Directory.Exists(dir), "the bad entry is gone");
        Assert.IsFalse(Directory.Exists(target), "no partial restore");

        cache.Publish(Key("a"), FilesOf(NewOutputs(2)), [], log, "m.h5");
        Assert.IsNotNull(cache.TryRestore(Key("a").Key, target, log, "m.h5"), "published anew, it restores");
    }

    [TestMethod]
    public void Two_publishers_of_one_key_leave_one_valid_entry()
    {
        var cache = NewCache();
        var outputs = NewOutputs(3, bytes: 4 << 20);
        var logs = Enumerable.Range(0, 4).Select(_ => new RecordingBuildLog()).ToList();
        Parallel.ForEach(logs, log => cache.Publish(Key("same"), FilesOf(outputs), [], log, "m.h5"));
        Assert.IsTrue(logs.All(l => l.Warnings.Count == 0), string.Join("\n", logs.SelectMany(l => l.Warnings)));
        var entry = cache.Entries().Single();
        Assert.IsNull(entry.Problem);
        Assert.IsNull(entry.Entry!.Verify(entry.Directory));
        Assert.IsEmpty(Directory.GetFileSystemEntries(cache.TempDirectory), "the losers' copies are gone");
    }

    [TestMethod]
    public void An_entry_larger_than_the_cap_is_not_published()
    {
        var cache = NewCache(maxBytes: 1000);
        var log = new RecordingBuildLog();
        cache.Publish(Key("big"), FilesOf(NewOutputs(4)), [], log, "m.h5");
        Assert.IsEmpty(cache.Entries());
        Assert.IsTrue(log.ProgressMessages.Any(m => m.Contains("not cached", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void A_cache_that_cannot_be_written_is_warning_MB5021_not_an_error()
    {
        var blocker = Path.Combine(NewCache().Directory);
        Directory.CreateDirectory(Path.GetDirectoryName(blocker)!);
        File.WriteAllText(blocker, "a file where the cache folder should be");
        var cache = new ModelCache(blocker, "engine");
        var log = new RecordingBuildLog();
        cache.Publish(Key("a"), FilesOf(NewOutputs(5)), [], log, "m.h5");
        Assert.AreEqual(CacheCodes.Unusable, log.Warnings.Single().Code);
    }

    [TestMethod]
    [DataRow("", null)]
    [DataRow("1", 1073741824L)]
    [DataRow("0.5", 536870912L)]
    public void ParseMaxGiB_reads_GiB(string text, long? bytes) => Assert.AreEqual(bytes, ModelCache.ParseMaxGiB(text));

    [TestMethod]
    [DataRow("0")]
    [DataRow("-1")]
    [DataRow("ten")]
    public void ParseMaxGiB_rejects_what_is_not_a_positive_number(string text) =>
        Assert.AreEqual(CacheCodes.InvalidMaxSize, Assert.ThrowsExactly<ModelBuildException>(() => ModelCache.ParseMaxGiB(text)).Code);

    [TestMethod]
    public void Open_with_no_folder_is_off() => Assert.IsNull(ModelCache.Open(" ", "10", "engine"));
}
