using ModelBuild.Core.Cache;
using ModelBuild.TestSupport;
using static ModelBuild.TestSupport.ModelCacheScenario;

namespace ModelBuild.EndToEnd.Tests;

/// <summary>
/// Issue 13: the model cache across clones, the part that needs two processes: two fresh clones (no obj/, no bin/) of
/// the same ResNet-8 project built with real `dotnet build` at the same time into one empty cache (MODELBUILD_CACHE).
/// Restoring, corrupt entries and the size cap run in process in Sdk.Tests (ModelCacheBuildTests there).
/// </summary>
[TestClass]
public sealed class ModelCacheConcurrentBuildTests
{

    public TestContext TestContext { get; set; } = null!;

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
        var entries = ModelCacheAssert.ValidEntries(cache);
        CollectionAssert.AreEquivalent(new[] { "plan", "int8", "edgetpu" }, entries.Select(e => e.Entry!.Kind).ToArray());
        Assert.IsFalse(Directory.Exists(Path.Combine(cache, "tmp")) && Directory.EnumerateFileSystemEntries(Path.Combine(cache, "tmp")).Any(), "no leftovers in tmp/");
        LayoutAssert.SameFiles(a.OutDir, b.OutDir, Model);
        TestContext.WriteLine($"A {builtA.Elapsed.TotalSeconds:F1} s, B {builtB.Elapsed.TotalSeconds:F1} s; restored in B: {builtB.LinesContaining(Restored)}");
    }

    private static string NewCacheDirectory() => Path.Combine(PackedSdk.Root, "caches", Guid.NewGuid().ToString("N")[..8]);

    /// <summary>A fresh clone: the project, the model and two calibration photos; the cache through MODELBUILD_CACHE.</summary>
    private static TestProject Clone(string cache, Dictionary<string, string> settings)
    {
        var project = TestProject.Create(SdkStyle.ProjectSdk);
        project.AddSharedModel(SharedModel, Model + ".h5");
        var calib = Path.Combine(project.Directory_, "calib");
        Directory.CreateDirectory(calib);
        File.Copy(RepoPaths.Image("face.jpg"), Path.Combine(calib, "face.jpg"));
        File.Copy(RepoPaths.Image("marguerite.jpg"), Path.Combine(calib, "marguerite.jpg"));
        project.BuildEnvironment[ModelCache.EnvironmentVariable] = cache;
        project.WriteProject(SdkStyle.ProjectSdk, (Model + ".h5", Attributes(settings)));
        return project;
    }

    private static string Attributes(Dictionary<string, string> settings) => string.Join(' ', settings.Select(s => $"{s.Key}=\"{s.Value}\""));
}
