using ModelBuild.Core.Pipeline;
using ModelBuild.Core.Quantization.Calibration;
using ModelBuild.Core.Tests.Quantization.Calibration;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.Cache.CacheTestFiles;

namespace ModelBuild.Core.Tests.Pipeline;

/// <summary>Which setting changes which step's cache key: a change misses only the steps that depend on it.</summary>
[TestClass]
public sealed class StepCacheKeysTests
{
    /// <summary>A model file and a work folder holding a plan.json, in a scratch folder.</summary>
    private static (ModelBuildSettings Settings, WorkFolder Work) Files()
    {
        var root = RepoPaths.NewScratchDirectory("step-keys");
        var model = Path.Combine(root, "net.h5");
        File.WriteAllBytes(model, [1, 2, 3]);
        var work = new WorkFolder(Path.Combine(root, "work"));
        Directory.CreateDirectory(work.Root);
        File.WriteAllText(work.PlanFile, "{}");
        return (new ModelBuildSettings { ModelFile = model }, work);
    }

    [TestMethod]
    public void The_cut_key_changes_with_the_budget()
    {
        var (settings, _) = Files();
        var cache = NewCache();

        Assert.AreNotEqual(StepCacheKeys.Cut(settings, cache).Key, StepCacheKeys.Cut(settings with { BudgetMiB = settings.BudgetMiB + 1 }, cache).Key);
    }

    [TestMethod]
    public void The_cut_key_ignores_what_only_calibration_uses()
    {
        var (settings, _) = Files();
        var cache = NewCache();

        Assert.AreEqual(StepCacheKeys.Cut(settings, cache).Key, StepCacheKeys.Cut(settings with { Preprocessing = Preprocessing.Caffe }, cache).Key);
    }

    [TestMethod]
    public void The_cut_key_changes_with_the_models_bytes()
    {
        var (settings, _) = Files();
        var cache = NewCache();
        var before = StepCacheKeys.Cut(settings, cache).Key;

        File.WriteAllBytes(settings.ModelFile, [1, 2, 4]);

        Assert.AreNotEqual(before, StepCacheKeys.Cut(settings, cache).Key);
    }

    [TestMethod]
    public void The_int8_key_changes_with_a_calibration_setting()
    {
        var (settings, work) = Files();
        var cache = NewCache();

        Assert.AreNotEqual(StepCacheKeys.Int8(settings, work, cache).Key, StepCacheKeys.Int8(settings with { Preprocessing = Preprocessing.Caffe }, work, cache).Key);
    }

    [TestMethod]
    public void The_int8_key_ignores_the_cut_settings_the_plan_already_carries()
    {
        var (settings, work) = Files();
        var cache = NewCache();

        Assert.AreEqual(StepCacheKeys.Int8(settings, work, cache).Key, StepCacheKeys.Int8(settings with { BudgetMiB = settings.BudgetMiB + 1, Cuts = ["x"] }, work, cache).Key);
    }

    [TestMethod]
    public void The_int8_key_changes_with_the_plan()
    {
        var (settings, work) = Files();
        var cache = NewCache();
        var before = StepCacheKeys.Int8(settings, work, cache).Key;

        File.WriteAllText(work.PlanFile, "{\"k\": 2}");

        Assert.AreNotEqual(before, StepCacheKeys.Int8(settings, work, cache).Key);
    }

    [TestMethod]
    public void The_int8_key_changes_with_a_calibration_images_content()
    {
        var (settings, work) = Files();
        var images = RepoPaths.NewScratchDirectory("step-keys-images");
        var photo = Path.Combine(images, "a.bmp");
        File.WriteAllBytes(photo, BmpFiles.Solid(2, 2, 10, 10, 10));
        var cache = NewCache();
        var withImages = settings with { CalibrationData = images };
        var before = StepCacheKeys.Int8(withImages, work, cache).Key;

        File.WriteAllBytes(photo, BmpFiles.Solid(2, 2, 11, 10, 10));

        Assert.AreNotEqual(before, StepCacheKeys.Int8(withImages, work, cache).Key);
    }

    [TestMethod]
    public void Each_step_has_a_key_of_its_own_kind()
    {
        var (settings, work) = Files();
        var cache = NewCache();

        StringAssert.StartsWith(StepCacheKeys.Cut(settings, cache).Key, "plan-");
        StringAssert.StartsWith(StepCacheKeys.Int8(settings, work, cache).Key, "int8-");
    }
}
