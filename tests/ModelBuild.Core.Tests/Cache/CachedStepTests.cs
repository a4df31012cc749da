using ModelBuild.Core.Cache;
using ModelBuild.Core.Diagnostics;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.Cache.CacheTestFiles;

namespace ModelBuild.Core.Tests.Cache;

[TestClass]
public sealed class CachedStepTests
{
    [TestMethod]
    public void A_miss_publishes_and_the_next_start_restores_with_one_line_and_the_same_warnings()
    {
        var cache = NewCache();
        var work = RepoPaths.NewScratchDirectory("step");
        var store = Path.Combine(work, "models");
        var log = new RecordingBuildLog();
        var step = CachedStep.Start(cache, _ => Key("s"), "/p/m.h5", log);
        Assert.IsFalse(step.TryRestoreDirectory(store));
        Directory.CreateDirectory(store);
        File.WriteAllText(Path.Combine(store, "seg1_int8.tflite"), "model bytes");
        step.Warning("MB2005", "/p/m.h5", "seg1 is over the budget");
        step.PublishDirectory(store);

        var fresh = Path.Combine(RepoPaths.NewScratchDirectory("step"), "models");
        var again = new RecordingBuildLog();
        Assert.IsTrue(CachedStep.Start(cache, _ => Key("s"), "/q/m.h5", again).TryRestoreDirectory(fresh));
        Assert.AreEqual("model bytes", File.ReadAllText(Path.Combine(fresh, "seg1_int8.tflite")));
        Assert.AreEqual($"m.h5: restored from cache {Key("s").Key}", again.ProgressMessages.Single());
        Assert.AreEqual(("MB2005", "/q/m.h5", "seg1 is over the budget"), again.Warnings.Single(), "given again, naming this build's model");
        Assert.IsEmpty(Directory.GetDirectories(Path.GetDirectoryName(fresh)!, "*.staging-*"));
    }

    [TestMethod]
    public void A_single_file_entry_restores_over_an_existing_file()
    {
        var cache = NewCache();
        var dir = RepoPaths.NewScratchDirectory("step");
        var plan = Path.Combine(dir, "plan.json");
        File.WriteAllText(plan, "new plan");
        CachedStep.Start(cache, _ => Key("p"), "m.h5", new RecordingBuildLog()).PublishFile("plan.json", plan);
        File.WriteAllText(plan, "old plan");
        Assert.IsTrue(CachedStep.Start(cache, _ => Key("p"), "m.h5", new RecordingBuildLog()).TryRestoreFile("plan.json", plan));
        Assert.AreEqual("new plan", File.ReadAllText(plan));
        Assert.HasCount(1, Directory.GetFileSystemEntries(dir), "no staging left beside plan.json");
    }

    [TestMethod]
    public void With_the_cache_off_nothing_is_computed_or_restored()
    {
        var step = CachedStep.Start(null, _ => throw new InvalidOperationException("no key without a cache"), "m.h5", new RecordingBuildLog());
        Assert.IsNull(step.Key);
        Assert.IsFalse(step.TryRestoreDirectory(Path.Combine(RepoPaths.NewScratchDirectory("step"), "models")));
    }

    [TestMethod]
    public void A_key_that_fails_on_bad_input_leaves_the_error_to_the_step()
    {
        var log = new RecordingBuildLog();
        var step = CachedStep.Start(NewCache(), _ => throw new ModelBuildException("MB3054", "calib", "does not exist"), "m.h5", log);
        Assert.IsNull(step.Key);
        Assert.IsEmpty(log.Warnings);
    }
}
