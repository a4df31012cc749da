using System.Globalization;
using ModelBuild.Core.Cache;
using ModelBuild.EdgeTpuCompilerStandIn;
using ModelBuild.TestSupport;

namespace ModelBuild.EndToEnd.Tests;

/// <summary>
/// Issue 13: the model cache across clones. Each "clone" is a fresh project folder (no obj/, no bin/) holding the same
/// ResNet-8 .h5, the same two calibration photos and the same project, built with real `dotnet build` against the packed
/// SDK with one cache folder (ModelBuildCacheDirectory, or MODELBUILD_CACHE). The build log says which steps were
/// restored ("restored from cache &lt;key&gt;"), and whether calibration ran and models were written.
/// </summary>
[TestClass]
public sealed class ModelCacheBuildTests
{
    private const string ResNet8 = "03_mlperf_tiny_resnet8_cifar10_k2.4.h5";
    private const string Model = "resnet8";
    private const string Calibrating = "resnet8.h5: calibrating with";
    private const string WroteModel = "resnet8.h5: wrote seg";
    private const string Restored = "resnet8.h5: restored from cache ";

    public TestContext TestContext { get; set; } = null!;

    private static Dictionary<string, string> Settings() => new()
    {
        ["BudgetMiB"] = "0.03",
        ["CalibrationData"] = "calib",
        ["CalibrationSamples"] = "8",
        ["Preprocessing"] = "unit",
    };

    [TestMethod]
    public void Clone_B_restores_every_step_byte_identical_to_A_then_a_setting_misses_only_its_steps_and_a_new_compiler_only_the_Edge_TPU_step()
    {
        var cache = NewCacheDirectory();
        var standIn = EdgeTpuStandIn.Install();

        var a = Clone(cache, Settings(), standIn);
        var builtA = Build(a, "clone A, empty cache");
        CollectionAssert.AreEqual(DotNetResult.PipelineTasks, builtA.PipelineTasksRun.ToArray());
        Assert.AreEqual(0, builtA.LinesContaining(Restored), "an empty cache restores nothing");
        Assert.AreEqual(1, builtA.LinesContaining(Calibrating));
        var compiled = standIn.Compilations().Count;
        Assert.IsGreaterThanOrEqualTo(4, compiled, "the stand-in compiled every model");
        var entries = ValidEntries(cache);
        CollectionAssert.AreEquivalent(new[] { "plan", "int8", "edgetpu" }, entries.Select(e => e.Entry!.Kind).ToArray(), "one entry per step");

        var b = Clone(cache, Settings(), standIn);
        var builtB = Build(b, "clone B, same cache");
        CollectionAssert.AreEqual(DotNetResult.PipelineTasks, builtB.PipelineTasksRun.ToArray(), "a clean clone runs every task; each restores");
        foreach (var entry in entries)
            Assert.AreEqual(1, builtB.LinesContaining(Restored + entry.Key), $"one line for {entry.Key}");
        Assert.AreEqual(0, builtB.LinesContaining(Calibrating), "no calibration");
        Assert.AreEqual(0, builtB.LinesContaining(WroteModel), "no model written");
        Assert.AreEqual(0, builtB.LinesContaining("int8 models in"), "no model store written");
        Assert.HasCount(compiled, standIn.Compilations(), "the compiler did not run");
        AssertSameArtifacts(a, b);
        TestContext.WriteLine($"A {builtA.Elapsed.TotalSeconds:F1} s (empty cache), B {builtB.Elapsed.TotalSeconds:F1} s (every step restored)");

        var again = b.Build();
        TestProject.AssertSucceeded(again, "clone B again");
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
        AssertSameFiles(a, d, "*_int8.tflite");
    }

    [TestMethod]
    public void A_truncated_or_altered_entry_gives_warning_MB5020_and_a_correct_rebuild()
    {
        var cache = NewCacheDirectory();
        var a = Clone(cache, Settings());
        Build(a, "clone A");
        var entries = ValidEntries(cache);

        var int8 = entries.Single(e => e.Entry!.Kind == "int8");
        var victim = Path.Combine(int8.Directory, CacheEntry.FilesFolder, int8.Entry!.Files.First(f => f.Path.EndsWith(".tflite", StringComparison.Ordinal)).Path);
        using (var s = File.OpenWrite(victim)) s.SetLength(s.Length / 2);
        var b = Clone(cache, Settings());
        var builtB = Build(b, "clone B, int8 entry truncated");
        TestProject.AssertOutputMatches(builtB, $@"warning MB5020: .*{int8.Key} .*is corrupt or incomplete: .*is \d+ bytes", "a truncated file is named");
        Assert.AreEqual(1, builtB.LinesContaining(Restored + "plan-"));
        Assert.AreEqual(1, builtB.LinesContaining(Calibrating), "the int8 step ran again");
        AssertSameArtifacts(a, b);
        Assert.HasCount(3, ValidEntries(cache), "the rebuilt entry replaced the bad one");

        var plan = entries.Single(e => e.Entry!.Kind == "plan");
        var planFile = Path.Combine(plan.Directory, CacheEntry.FilesFolder, "plan.json");
        var bytes = File.ReadAllBytes(planFile);
        bytes[bytes.Length / 2] ^= 0x01; // same length, another hash
        File.WriteAllBytes(planFile, bytes);
        var c = Clone(cache, Settings());
        var builtC = Build(c, "clone C, plan entry altered");
        TestProject.AssertOutputMatches(builtC, $@"warning MB5020: .*{plan.Key} .*plan\.json does not match its SHA-256", "a changed byte is found");
        Assert.AreEqual(0, builtC.LinesContaining(Restored + "plan-"));
        Assert.AreEqual(1, builtC.LinesContaining(Restored + "int8-"), "the same plan again: the int8 entry still serves");
        AssertSameArtifacts(a, c);
        Assert.HasCount(3, ValidEntries(cache));
    }

    [TestMethod]
    public void Two_concurrent_builds_into_one_empty_cache_both_succeed_and_leave_one_valid_entry_per_step()
    {
        var cache = NewCacheDirectory();
        var a = Clone(cache, Settings());
        var b = Clone(cache, Settings());
        using var runA = a.StartBuild(ownProcessGroup: false);
        using var runB = b.StartBuild(ownProcessGroup: false);
        var builtA = runA.WaitForExit(TimeSpan.FromMinutes(10));
        var builtB = runB.WaitForExit(TimeSpan.FromMinutes(10));
        TestProject.AssertSucceeded(builtA, "build A");
        TestProject.AssertSucceeded(builtB, "build B");
        TestProject.AssertOutputLacks(builtA, "warning MB502", "no cache warning in A");
        TestProject.AssertOutputLacks(builtB, "warning MB502", "no cache warning in B");
        var entries = ValidEntries(cache);
        CollectionAssert.AreEquivalent(new[] { "plan", "int8", "edgetpu" }, entries.Select(e => e.Entry!.Kind).ToArray());
        Assert.IsFalse(Directory.Exists(Path.Combine(cache, "tmp")) && Directory.EnumerateFileSystemEntries(Path.Combine(cache, "tmp")).Any(), "no leftovers in tmp/");
        AssertSameArtifacts(a, b);
        TestContext.WriteLine($"A {builtA.Elapsed.TotalSeconds:F1} s, B {builtB.Elapsed.TotalSeconds:F1} s; restored in B: {builtB.LinesContaining(Restored)}");
    }

    [TestMethod]
    public void ModelBuildCacheMaxGiB_keeps_the_cache_under_its_cap_evicting_the_least_recently_used()
    {
        var cache = NewCacheDirectory();
        var first = Clone(cache, Settings());
        Build(first, "first build, no cap");
        long oneBuild = ValidEntries(cache).Sum(e => e.Bytes);
        long cap = oneBuild * 3 / 2;
        var capGiB = (cap / (1024.0 * 1024 * 1024)).ToString("R", CultureInfo.InvariantCulture);

        var project = Clone(cache, Settings(), properties: $"<ModelBuildCacheMaxGiB>{capGiB}</ModelBuildCacheMaxGiB>");
        var seen = new HashSet<string>(ValidEntries(cache).Select(e => e.Key));
        foreach (var preprocessing in new[] { "tf", "caffe", "torch" })
        {
            var settings = Settings();
            settings["Preprocessing"] = preprocessing;
            project.WriteProject(SdkStyle.ProjectSdk, $"<ModelBuildCacheMaxGiB>{capGiB}</ModelBuildCacheMaxGiB>", (Model + ".h5", Attributes(settings)));
            Build(project, "Preprocessing " + preprocessing);
            var now = new ModelCache(cache, "").Entries();
            long total = now.Sum(e => e.Bytes);
            Assert.IsLessThanOrEqualTo(cap, total, $"after Preprocessing={preprocessing}: {total} bytes in the cache, cap {cap}");
            Assert.AreEqual(preprocessing, project.Meta(Model).Calibration.Preprocessing);
            seen.UnionWith(now.Select(e => e.Key));
            TestContext.WriteLine($"{preprocessing}: {now.Count} entries, {total} of {cap} bytes");
        }

        Assert.IsLessThan(seen.Count, new ModelCache(cache, "").Entries().Count, "entries were evicted");
        Assert.IsTrue(ValidEntries(cache).Any(e => e.Entry!.Kind == "int8"), "the newest int8 entry stays");
    }

    private static string NewCacheDirectory() => Path.Combine(PackedSdk.Root, "caches", Guid.NewGuid().ToString("N")[..8]);

    /// <summary>A fresh clone: the project, the model and two calibration photos; the cache through MODELBUILD_CACHE.</summary>
    private static TestProject Clone(string cache, Dictionary<string, string> settings, EdgeTpuStandIn? standIn = null, string properties = "")
    {
        var project = TestProject.Create(SdkStyle.ProjectSdk);
        project.AddSharedModel(ResNet8, Model + ".h5");
        var calib = Path.Combine(project.Directory_, "calib");
        Directory.CreateDirectory(calib);
        File.Copy(RepoPaths.Image("face.jpg"), Path.Combine(calib, "face.jpg"));
        File.Copy(RepoPaths.Image("marguerite.jpg"), Path.Combine(calib, "marguerite.jpg"));
        project.BuildEnvironment[ModelCache.EnvironmentVariable] = cache;
        standIn?.Expose(project, StandInLocation.EnvironmentVariable);
        project.WriteProject(SdkStyle.ProjectSdk, properties, (Model + ".h5", Attributes(settings)));
        return project;
    }

    private DotNetResult Build(TestProject project, string what)
    {
        var result = project.Build();
        TestProject.AssertSucceeded(result, what);
        TestContext.WriteLine($"{what}: {string.Join(", ", result.PipelineTasksRun)}, {result.LinesContaining(Restored)} restored ({result.Elapsed.TotalSeconds:F1} s)");
        return result;
    }

    private static IReadOnlyList<CacheEntryInfo> ValidEntries(string cache)
    {
        var entries = new ModelCache(cache, "").Entries();
        foreach (var e in entries)
        {
            Assert.IsNull(e.Problem, $"{e.Key}: {e.Problem}");
            Assert.IsNull(e.Entry!.Verify(e.Directory), e.Key);
        }

        return entries;
    }

    private static void AssertSameArtifacts(TestProject expected, TestProject actual) => AssertSameFiles(expected, actual, "*");

    private static void AssertSameFiles(TestProject expected, TestProject actual, string pattern)
    {
        var e = Files(expected, pattern);
        var a = Files(actual, pattern);
        Assert.IsNotEmpty(e);
        CollectionAssert.AreEqual(e.Keys.ToList(), a.Keys.ToList(), "the same artifact files");
        foreach (var (rel, path) in e)
            Assert.IsTrue(File.ReadAllBytes(path).AsSpan().SequenceEqual(File.ReadAllBytes(a[rel])), $"{rel} differs between the clones");
    }

    private static SortedDictionary<string, string> Files(TestProject project, string pattern)
    {
        var root = Path.Combine(project.OutDir, Model);
        return new SortedDictionary<string, string>(
            Directory.GetFiles(root, pattern, SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(root, f).Replace('\\', '/')),
            StringComparer.Ordinal);
    }

    private static string Attributes(Dictionary<string, string> settings) => string.Join(' ', settings.Select(s => $"{s.Key}=\"{s.Value}\""));
}
