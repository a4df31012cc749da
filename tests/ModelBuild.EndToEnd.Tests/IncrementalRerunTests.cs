using ModelBuild.TestSupport;

namespace ModelBuild.EndToEnd.Tests;

/// <summary>
/// Issue 4: "changing … the ModelBuild version reruns exactly what depends on it" — here, the part that needs the SDK
/// packed twice and restored by a real `dotnet`: a new ModelBuild release reruns every step. The calibration, metadata,
/// cut and Edge TPU mode changes run in process in Sdk.Tests (IncrementalRerunTests there).
/// </summary>
[TestClass]
public sealed class IncrementalRerunTests
{
    private const string ResNet8 = "03_mlperf_tiny_resnet8_cifar10_k2.4.h5";
    private const string NextVersion = PackedSdk.NextVersion;
    private const string Settings = "BudgetMiB=\"0.03\" CalibrationSamples=\"1\" EdgeTpu=\"Off\"";

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void A_new_ModelBuild_version_reruns_every_step_then_nothing()
    {
        var project = TestProject.Create(SdkStyle.ProjectSdk, ("resnet8.h5", Settings));
        project.AddSharedModel(ResNet8, "resnet8.h5");
        var total = System.Diagnostics.Stopwatch.StartNew();
        Build(project, "baseline", DotNetResult.PipelineTasks);
        var generator = project.Meta("resnet8").Generator;

        // A new release: packed anew as another version (Core and Tasks recompiled), referenced by the project and
        // restored into its own package folder. Its files are dated before the last build, as a release published
        // earlier is, so only ModelBuild's own identity, not a file time, can tell that the engine changed.
        var feed = PackedSdk.NextVersionFeed();
        project.UseFeeds(feed);
        project.SdkVersion = NextVersion;
        project.WriteProject(SdkStyle.ProjectSdk, ("resnet8.h5", Settings));
        TestProject.AssertSucceeded(project.Run("restore", project.ProjectFile, "-nodeReuse:false"), "restore of " + NextVersion);
        var restored = Path.Combine(PackedSdk.Packages, "modelbuild.sdk", NextVersion.ToLowerInvariant());
        var longAgo = File.GetLastWriteTimeUtc(Path.Combine(project.WorkDir, "resnet8", "plan.json")).AddDays(-7);
        foreach (var file in Directory.GetFiles(restored, "*", SearchOption.AllDirectories)) File.SetLastWriteTimeUtc(file, longAgo);
        var upgraded = Build(project, "ModelBuild " + NextVersion, DotNetResult.PipelineTasks, "--no-restore"); // restored just above
        Assert.AreEqual("ModelBuild 0.1.1", project.Meta("resnet8").Generator, $"meta.json names the new version (was '{generator}')");
        TestProject.AssertOutputContains(upgraded, Path.Combine(restored, "tasks"), "the new version's tasks ran");

        Build(project, "nothing changed after the upgrade", [], "--no-restore");
        TestContext.WriteLine($"whole sequence: {total.Elapsed.TotalSeconds:F0} s");
    }

    private DotNetResult Build(TestProject project, string what, string[] expected, params string[] extra)
    {
        var result = project.Build(extra);
        TestProject.AssertSucceeded(result, what);
        TestContext.WriteLine($"{what}: {string.Join(", ", result.PipelineTasksRun)} ({result.Elapsed.TotalSeconds:F1} s)");
        CollectionAssert.AreEqual(expected, result.PipelineTasksRun.ToArray(), $"{what}: steps run were {string.Join(", ", result.PipelineTasksRun)}");
        return result;
    }
}
