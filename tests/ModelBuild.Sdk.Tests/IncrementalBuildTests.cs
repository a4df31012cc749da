using ModelBuild.TestSupport;

namespace ModelBuild.Sdk.Tests;

/// <summary>
/// A project built, then built again after deleting an output, touching the .h5 and cleaning: in-process builds with the
/// real tasks, IncrementalClean included (moved here from the end-to-end tests, where each build was a `dotnet build`
/// process), on MLPerf Tiny ResNet-8 with a tiny budget so it is cut into several segments.
/// </summary>
[TestClass]
public sealed class IncrementalBuildTests
{
    private const string ResNet8 = "03_mlperf_tiny_resnet8_cifar10_k2.4.h5";

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void A_project_builds_the_layout_then_stays_incremental_through_delete_touch_rebuild_and_clean()
    {
        var project = SdkProject.CreateWithTasks("""<ItemGroup><KerasModel Include="resnet8.h5" BudgetMiB="0.03" /></ItemGroup>""");
        var model = project.AddSharedModel(ResNet8, "resnet8.h5");

        var first = project.BuildModels();
        first.AssertSucceeded("first build");
        TestContext.WriteLine($"first build: {first.Elapsed.TotalSeconds:F1} s");
        CollectionAssert.AreEqual(RecordingLogger.PipelineTasks, first.PipelineTasksRun.ToArray());
        first.AssertContains("MB4001", "no compiler on this machine: the build says what it skipped");
        LayoutAssert.Complete(project.OutDir, "resnet8");
        var afterFirst = LayoutSnapshot.Of(project.OutDir, "resnet8");

        var second = project.BuildModels();
        second.AssertSucceeded("second build");
        TestContext.WriteLine($"no-op build: {second.Elapsed.TotalSeconds:F1} s");
        Assert.IsEmpty(second.PipelineTasksRun, "nothing changed, so no ModelBuild step may run; ran: " + string.Join(", ", second.PipelineTasksRun));
        CollectionAssert.AreEquivalent(afterFirst.ToList(), LayoutSnapshot.Of(project.OutDir, "resnet8").ToList(), "outputs untouched (same files, same timestamps)");

        var deleted = Path.Combine(project.OutDir, "resnet8", "pairs_k2", "tflite", "seg1_int8.tflite");
        File.Delete(deleted);
        var third = project.BuildModels();
        third.AssertSucceeded("build after deleting an output");
        Assert.IsTrue(File.Exists(deleted), "the deleted output is back");
        Assert.IsEmpty(third.PipelineTasksRun, "restoring a copy needs no pipeline step");

        File.SetLastWriteTimeUtc(model, DateTime.UtcNow);
        var touched = project.BuildModels();
        touched.AssertSucceeded("build after touching the .h5");
        CollectionAssert.Contains(touched.PipelineTasksRun.ToList(), "CutModel", "a newer .h5 reruns the pipeline");

        // The IncrementalClean trap: the build after a rebuild must still have every output in bin.
        var afterRebuild = project.BuildModels();
        afterRebuild.AssertSucceeded("build after the rebuild");
        Assert.IsEmpty(afterRebuild.PipelineTasksRun);
        Assert.IsTrue(afterRebuild.Log.TargetsRun.Contains("IncrementalClean"), "IncrementalClean ran");
        CollectionAssert.AreEquivalent(afterFirst.Keys.ToList(), LayoutSnapshot.Of(project.OutDir, "resnet8").Keys.ToList(), "every output still in bin");

        project.Clean().AssertSucceeded("clean");
        Assert.IsFalse(Directory.Exists(Path.Combine(project.OutDir, "resnet8")), "clean removes the outputs from bin");
        Assert.IsFalse(Directory.Exists(project.WorkDir), "clean removes the intermediate files");
    }
}
