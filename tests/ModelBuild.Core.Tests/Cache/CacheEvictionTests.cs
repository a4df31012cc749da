using ModelBuild.Core.Cache;
using ModelBuild.Core.Diagnostics;
using static ModelBuild.Core.Tests.Cache.CacheTestFiles;

namespace ModelBuild.Core.Tests.Cache;

[TestClass]
public sealed class CacheEvictionTests
{
    private static long Total(ModelCache cache) => cache.Entries().Sum(e => e.Bytes);

    [TestMethod]
    public void The_least_recently_used_entries_go_first_and_the_rest_fits_the_cap()
    {
        var unbounded = NewCache();
        var log = new RecordingBuildLog();
        var keys = new[] { "a", "b", "c", "d" };
        foreach (var k in keys) unbounded.Publish(Key(k), FilesOf(NewOutputs(k[0])), [], log, "m.h5");
        var old = DateTime.UtcNow.AddHours(-4);
        for (int i = 0; i < keys.Length; i++)
            File.SetLastWriteTimeUtc(Path.Combine(unbounded.EntryDirectory(Key(keys[i]).Key), CacheEntry.FileName), old.AddMinutes(i));
        // "a" is used again: now the most recent.
        Assert.IsNotNull(unbounded.TryRestore(Key("a").Key, Path.Combine(unbounded.Directory, "..", "r"), log, "m.h5"));

        long one = unbounded.Entries()[0].Bytes;
        var removed = CacheEviction.Evict(unbounded, 2 * one + one / 2);
        CollectionAssert.AreEqual(new[] { Key("b").Key, Key("c").Key }, removed.Select(r => r.Key).ToArray(), "b and c were used least recently");
        CollectionAssert.AreEquivalent(new[] { Key("a").Key, Key("d").Key }, unbounded.Entries().Select(e => e.Key).ToArray());
        Assert.IsLessThanOrEqualTo(2 * one + one / 2, Total(unbounded));
    }

    [TestMethod]
    public void Publishing_into_a_capped_cache_keeps_it_under_the_cap()
    {
        var probe = NewCache();
        probe.Publish(Key("probe"), FilesOf(NewOutputs(9)), [], new RecordingBuildLog(), "m.h5");
        long one = probe.Entries()[0].Bytes;

        var cache = NewCache(maxBytes: 3 * one);
        for (int i = 0; i < 8; i++)
        {
            cache.Publish(Key("k" + i), FilesOf(NewOutputs(i)), [], new RecordingBuildLog(), "m.h5");
            Assert.IsLessThanOrEqualTo(3 * one, Total(cache), $"after publish {i}");
        }

        Assert.AreEqual(3, cache.Entries().Count);
        Assert.IsTrue(cache.Entries().Any(e => e.Key == Key("k7").Key), "the newest entry stays");
    }

    [TestMethod]
    public void Stale_leftovers_in_tmp_are_swept_and_fresh_ones_kept()
    {
        var cache = NewCache();
        var stale = Directory.CreateDirectory(Path.Combine(cache.TempDirectory, "x.publish-1")).FullName;
        var fresh = Directory.CreateDirectory(Path.Combine(cache.TempDirectory, "y.publish-2")).FullName;
        Directory.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddHours(-2));
        Assert.AreEqual(1, CacheEviction.SweepTemporary(cache, DateTime.UtcNow - CacheEviction.StaleTemporary));
        Assert.IsFalse(Directory.Exists(stale));
        Assert.IsTrue(Directory.Exists(fresh), "may be a running build's publish");
    }
}
