using System.Globalization;
using ModelBuild.Core.Cache;
using ModelBuild.EdgeTpuCompilerStandIn;
using ModelBuild.TestSupport;
using static ModelBuild.TestSupport.ModelCacheScenario;

namespace ModelBuild.Sdk.Tests;

/// <summary>
/// Issue 13: the model cache across clones. Each "clone" is a fresh project folder (no obj/, no bin/) holding the same
/// ResNet-8 .h5, the same two calibration photos and the same project, built with one cache folder (MODELBUILD_CACHE).
/// The build log says which steps were restored ("restored from cache &lt;key&gt;"), and whether calibration ran and
/// models were written. In-process builds with the real tasks and the stand-in compiler as a real process (moved here
/// from the end-to-end tests, where each build was a `dotnet build` process); two builds at once into one cache, which
/// needs two processes, stays there.
/// </summary>
[TestClass]
public sealed class ModelCacheBuildTests
{
    private const string Calibrating = "resnet8.h5: calibrating with";
    private const string WroteModel = "resnet8.h5: wrote seg";

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Clone_B_restores_every_step_byte_identical_to_A_then_a_setting_misses_only_its_steps_and_a_new_compiler_only_the_Edge_TPU_step()
    {
        var cache = NewCacheDirectory();
        var standIn = EdgeTpuStandIn.Install(SdkProject.ScratchRoot);

        var a = Clone(cache, Settings(), standIn);
        var builtA = Build(a, "clone A, empty cache");
        CollectionAssert.AreEqual(RecordingLogger.PipelineTasks, builtA.PipelineTasksRun.ToArray());
        Assert.AreEqual(0, builtA.LinesContaining(Restored), "an empty cache restores nothing");
        Assert.AreEqual(1, builtA.LinesContaining(Calibrating));
        var compiled = standIn.Compilations().Count;
        Assert.IsGreaterThanOrEqualTo(4, compiled, "the stand-in compiled every model");
        var entries = ModelCacheAssert.ValidEntries(cache);
        CollectionAssert.AreEquivalent(new[] { "plan", "int8", "edgetpu" }, entries.Select(e => e.Entry!.Kind).ToArray(), "one entry per step");

        var b = Clone(cache, Settings(), standIn);
        var builtB = Build(b, "clone B, same cache");
        CollectionAssert.AreEqual(RecordingLogger.PipelineTasks, builtB.PipelineTasksRun.ToArray(), "a clean clone runs every task; each restores");
        foreach (var entry in entries)
            Assert.AreEqual(1, builtB.LinesContaining(Restored + entry.Key), $"one line for {entry.Key}");
        Assert.AreEqual(0, builtB.LinesContaining(Calibrating), "no calibration");
        Assert.AreEqual(0, builtB.LinesContaining(WroteModel), "no model written");
        Assert.AreEqual(0, builtB.LinesContaining("int8 models in"), "no model store written");
        Assert.HasCount(compiled, standIn.Compilations(), "the compiler did not run");
        LayoutAssert.SameFiles(a.OutDir, b.OutDir, Model);
        TestContext.WriteLine($"A {builtA.Elapsed.TotalSeconds:F1} s (empty cache), B {builtB.Elapsed.TotalSeconds:F1} s (every step restored)");

        var again = b.BuildModels();
        again.AssertSucceeded("clone B again");
        Assert.IsEmpty(again.PipelineTasksRun, "restored outputs are up to date for the next build");

        var changed = Settings();
        changed["Preprocessing"] = "tf";
        var c = Clone(cache, changed, standIn);
        var builtC = Build(c, "clone C, Preprocessing unit -> tf");
        Assert.AreEqual(1, builtC.LinesContaining(Restored + "plan-"), "the plan does not depend on preprocessing");
        Assert.AreEqual(0, builtC.LinesContaining(Restored + "int8-"));
        Assert.AreEqual(0, builtC.LinesContaining(Restored + "edgetpu-"), "other int8 models, compiled anew");
        Assert.AreEqual(1, builtC.LinesContaining(Calibrating));
        Assert.IsGreaterThan(compiled, standIn.Compilations().Count);
        Assert.AreEqual("tf", c.Meta(Model).Calibration.Preprocessing);

        compiled = standIn.Compilations().Count;
        var d = Clone(cache, Settings(), standIn);
        d.BuildEnvironment[StandInEnvironment.Version] = "16.1.999";
        var builtD = Build(d, "clone D, a new compiler version");
        Assert.AreEqual(1, builtD.LinesContaining(Restored + "plan-"));
        Assert.AreEqual(1, builtD.LinesContaining(Restored + "int8-"), "a new compiler reuses the int8 models");
        Assert.AreEqual(0, builtD.LinesContaining(Restored + "edgetpu-"));
        Assert.AreEqual(0, builtD.LinesContaining(Calibrating));
        Assert.IsGreaterThan(compiled, standIn.Compilations().Count, "the new compiler ran");
        Assert.IsTrue(d.Meta(Model).Models.All(m => m.EdgeTpu.CompilerVersion == "16.1.999"), "meta.json names the new compiler");
        LayoutAssert.SameFiles(a.OutDir, d.OutDir, Model, "*_int8.tflite");
    }

    [TestMethod]
    public void A_truncated_or_altered_entry_gives_warning_MB5020_and_a_correct_rebuild()
    {
        var cache = NewCacheDirectory();
        var a = Clone(cache, Settings());
        Build(a, "clone A");
        var entries = ModelCacheAssert.ValidEntries(cache);

        var int8 = entries.Single(e => e.Entry!.Kind == "int8");
        var victim = Path.Combine(int8.Directory, CacheEntry.FilesFolder, int8.Entry!.Files.First(f => f.Path.EndsWith(".tflite", StringComparison.Ordinal)).Path);
        using (var s = File.OpenWrite(victim)) s.SetLength(s.Length / 2);
        var b = Clone(cache, Settings());
        var builtB = Build(b, "clone B, int8 entry truncated");
        builtB.AssertMatches($@"warning MB5020: .*{int8.Key} .*is corrupt or incomplete: .*is \d+ bytes", "a truncated file is named");
        Assert.AreEqual(1, builtB.LinesContaining(Restored + "plan-"));
        Assert.AreEqual(1, builtB.LinesContaining(Calibrating), "the int8 step ran again");
        LayoutAssert.SameFiles(a.OutDir, b.OutDir, Model);
        Assert.HasCount(3, ModelCacheAssert.ValidEntries(cache), "the rebuilt entry replaced the bad one");

        var plan = entries.Single(e => e.Entry!.Kind == "plan");
        var planFile = Path.Combine(plan.Directory, CacheEntry.FilesFolder, "plan.json");
        var bytes = File.ReadAllBytes(planFile);
        bytes[bytes.Length / 2] ^= 0x01; // same length, another hash
        File.WriteAllBytes(planFile, bytes);
        var c = Clone(cache, Settings());
        var builtC = Build(c, "clone C, plan entry altered");
        builtC.AssertMatches($@"warning MB5020: .*{plan.Key} .*plan\.json does not match its SHA-256", "a changed byte is found");
        Assert.AreEqual(0, builtC.LinesContaining(Restored + "plan-"));
        Assert.AreEqual(1, builtC.LinesContaining(Restored + "int8-"), "the same plan again: the int8 entry still serves");
        LayoutAssert.SameFiles(a.OutDir, c.OutDir, Model);
        Assert.HasCount(3, ModelCacheAssert.ValidEntries(cache));
    }

    [TestMethod]
    public void ModelBuildCacheMaxGiB_keeps_the_cache_under_its_cap_evicting_the_least_recently_used()
    {
        var cache = NewCacheDirectory();
        var first = Clone(cache, Settings());
        Build(first, "first build, no cap");
        long oneBuild = ModelCacheAssert.ValidEntries(cache).Sum(e => e.Bytes);
        long cap = oneBuild * 3 / 2;
        var capGiB = (cap / (1024.0 * 1024 * 1024)).ToString("R", CultureInfo.InvariantCulture);

        var project = Clone(cache, Settings(), properties: $"<ModelBuildCacheMaxGiB>{capGiB}</ModelBuildCacheMaxGiB>");
        var seen = new HashSet<string>(ModelCacheAssert.ValidEntries(cache).Select(e => e.Key));
        foreach (var preprocessing in new[] { "tf", "caffe", "torch" })
        {
            var settings = Settings();
            settings["Preprocessing"] = preprocessing;
            project.Rewrite(Body(settings, $"<ModelBuildCacheMaxGiB>{capGiB}</ModelBuildCacheMaxGiB>"));
            Build(project, "Preprocessing " + preprocessing);
            var now = new ModelCache(cache, "").Entries();
            long total = now.Sum(e => e.Bytes);
            Assert.IsLessThanOrEqualTo(cap, total, $"after Preprocessing={preprocessing}: {total} bytes in the cache, cap {cap}");
            Assert.AreEqual(preprocessing, project.Meta(Model).Calibration.Preprocessing);
            seen.UnionWith(now.Select(e => e.Key));
            TestContext.WriteLine($"{preprocessing}: {now.Count} entries, {total} of {cap} bytes");
        }

        Assert.IsLessThan(seen.Count, new ModelCache(cache, "").Entries().Count, "entries were evicted");
        Assert.IsTrue(ModelCacheAssert.ValidEntries(cache).Any(e => e.Entry!.Kind == "int8"), "the newest int8 entry stays");
    }

    private static string NewCacheDirectory() => Path.Combine(SdkProject.ScratchRoot, "caches", Guid.NewGuid().ToString("N")[..8]);

    /// <summary>A fresh clone: the project, the model and two calibration photos; the cache through MODELBUILD_CACHE.</summary>
    private static SdkProject Clone(string cache, Dictionary<string, string> settings, EdgeTpuStandIn? standIn = null, string properties = "")
    {
        var project = SdkProject.CreateWithTasks(Body(settings, properties));
        project.AddSharedModel(SharedModel, Model + ".h5");
        project.AddImages("calib", "face.jpg", "marguerite.jpg");
        project.BuildEnvironment[ModelCache.EnvironmentVariable] = cache;
        standIn?.Expose(project.BuildEnvironment, StandInLocation.EnvironmentVariable);
        return project;
    }

    private static string Body(Dictionary<string, string> settings, string properties) =>
        $"<PropertyGroup>{properties}</PropertyGroup>\n" + SdkProject.KerasModelItem(Model + ".h5", settings);

    private ModelBuildRun Build(SdkProject project, string what)
    {
        var result = project.BuildModels();
        result.AssertSucceeded(what);
        TestContext.WriteLine($"{what}: {string.Join(", ", result.PipelineTasksRun)}, {result.LinesContaining(Restored)} restored ({result.Elapsed.TotalSeconds:F1} s)");
        return result;
    }
}
