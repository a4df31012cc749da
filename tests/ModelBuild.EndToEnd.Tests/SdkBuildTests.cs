namespace ModelBuild.EndToEnd.Tests;

/// <summary>
/// Real `dotnet build` / `publish` / `clean` of generated projects using the packed ModelBuild.Sdk, on MLPerf Tiny
/// ResNet-8 (small, so each build takes seconds) with a tiny budget so it is cut into several segments.
/// </summary>
[TestClass]
public sealed class SdkBuildTests
{
    private const string ResNet8 = "03_mlperf_tiny_resnet8_cifar10_k2.4.h5";
    private const string Mnist = "13_mnist_edgetpu_tutorial_k2.h5";
    private const string SmallBudget = "BudgetMiB=\"0.03\"";

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Project_Sdk_builds_the_layout_then_stays_incremental_through_delete_touch_rebuild_and_clean()
    {
        var project = TestProject.Create(SdkStyle.ProjectSdk, ("resnet8.h5", SmallBudget));
        var model = project.AddSharedModel(ResNet8, "resnet8.h5");

        var first = project.Build();
        TestProject.AssertSucceeded(first, "first build");
        TestContext.WriteLine($"first build: {first.Elapsed.TotalSeconds:F1} s");
        CollectionAssert.AreEquivalent(new[] { "CutModel", "ConvertInt8", "CompileEdgeTpu", "EmitCombos" }, first.PipelineTasksRun.ToArray());
        StringAssert.Contains(first.Output, "MB4001", "no compiler on this machine: the build says what it skipped");
        AssertLayout(project, "resnet8");
        var afterFirst = TestProject.Snapshot(project.OutDir, "resnet8");

        var second = project.Build();
        TestProject.AssertSucceeded(second, "second build");
        TestContext.WriteLine($"no-op build: {second.Elapsed.TotalSeconds:F1} s");
        Assert.IsEmpty(second.PipelineTasksRun, "nothing changed, so no ModelBuild step may run; ran: " + string.Join(", ", second.PipelineTasksRun));
        CollectionAssert.AreEquivalent(afterFirst.ToList(), TestProject.Snapshot(project.OutDir, "resnet8").ToList(), "outputs untouched (same files, same timestamps)");

        var deleted = Path.Combine(project.OutDir, "resnet8", "pairs_k2", "tflite", "seg1_int8.tflite");
        File.Delete(deleted);
        var third = project.Build();
        TestProject.AssertSucceeded(third, "build after deleting an output");
        Assert.IsTrue(File.Exists(deleted), "the deleted output is back");
        Assert.IsEmpty(third.PipelineTasksRun, "restoring a copy needs no pipeline step");

        File.SetLastWriteTimeUtc(model, DateTime.UtcNow);
        var touched = project.Build();
        TestProject.AssertSucceeded(touched, "build after touching the .h5");
        CollectionAssert.Contains(touched.PipelineTasksRun.ToList(), "CutModel", "a newer .h5 reruns the pipeline");

        // The IncrementalClean trap: the build after a rebuild must still have every output in bin.
        var afterRebuild = project.Build();
        TestProject.AssertSucceeded(afterRebuild, "build after the rebuild");
        Assert.IsEmpty(afterRebuild.PipelineTasksRun);
        CollectionAssert.AreEquivalent(afterFirst.Keys.ToList(), TestProject.Snapshot(project.OutDir, "resnet8").Keys.ToList(), "every output still in bin");

        var clean = project.Run("clean", project.ProjectFile, "-nodeReuse:false");
        TestProject.AssertSucceeded(clean, "dotnet clean");
        Assert.IsFalse(Directory.Exists(Path.Combine(project.OutDir, "resnet8")), "clean removes the outputs from bin");
        Assert.IsFalse(Directory.Exists(project.WorkDir), "clean removes the intermediate files");
    }

    [TestMethod]
    public void PackageReference_builds_reruns_on_a_budget_change_and_publish_carries_the_artifacts()
    {
        var project = TestProject.Create(SdkStyle.PackageReference, ("resnet8.h5", SmallBudget));
        project.AddSharedModel(ResNet8, "resnet8.h5");

        var first = project.Build();
        TestProject.AssertSucceeded(first, "first build");
        AssertLayout(project, "resnet8");
        int fineK = project.Meta("resnet8").SegmentCount;

        project.WriteProject(SdkStyle.PackageReference, ("resnet8.h5", "BudgetMiB=\"0.2\""));
        var second = project.Build();
        TestProject.AssertSucceeded(second, "build after the budget change");
        CollectionAssert.Contains(second.PipelineTasksRun.ToList(), "CutModel");
        int coarseK = project.Meta("resnet8").SegmentCount;
        TestContext.WriteLine($"K at 0.03 MiB: {fineK}; K at 0.2 MiB: {coarseK}");
        Assert.IsGreaterThan(coarseK, fineK, "a smaller budget needs more segments");
        Assert.AreEqual(0.2, project.Meta("resnet8").BudgetMiB);
        var stale = Path.Combine(project.OutDir, "resnet8", $"pairs_k{fineK}");
        Assert.IsFalse(Directory.Exists(stale) && Directory.EnumerateFiles(stale, "*", SearchOption.AllDirectories).Any(),
            "files of the old plan do not linger in bin (IncrementalClean removes them)");

        var publishDir = Path.Combine(project.Directory_, "publish");
        var publish = project.Run("publish", project.ProjectFile, "-nodeReuse:false", "-o", publishDir);
        TestProject.AssertSucceeded(publish, "dotnet publish");
        var published = TestProject.Snapshot(publishDir, "resnet8").Keys.Order().ToList();
        var built = TestProject.Snapshot(project.OutDir, "resnet8").Keys.Order().ToList();
        CollectionAssert.AreEqual(built, published, "publish carries exactly the built artifacts");
    }

    [TestMethod]
    public void Two_models_in_one_project_each_get_their_layout()
    {
        var project = TestProject.Create(SdkStyle.ProjectSdk, ("resnet8.h5", SmallBudget), ("mnist.h5", "BudgetMiB=\"0.01\" OutputSubdirectory=\"digits\""));
        project.AddSharedModel(ResNet8, "resnet8.h5");
        project.AddSharedModel(Mnist, "mnist.h5");

        var build = project.Build();
        TestProject.AssertSucceeded(build, "build");
        AssertLayout(project, "resnet8");
        AssertLayout(project, "digits");

        // Each model's pipeline runs in its own project instance, handed to MSBuild together so its nodes run them side by side.
        var instances = System.Text.RegularExpressions.Regex.Matches(build.Output, @"is building "".*?\.csproj"" \(\S+\) on node (\d+) \(ModelBuildEmitCombos target");
        Assert.HasCount(2, instances, "one project instance per model");
        Assert.AreEqual(2, System.Text.RegularExpressions.Regex.Count(build.Output, "Task \"CutModel\""), "each model cut once");
        if (Environment.ProcessorCount > 1)
            Assert.AreNotEqual(instances[0].Groups[1].Value, instances[1].Groups[1].Value, "with two or more cores the two models build on different nodes");
        Assert.AreEqual("mnist.h5", project.Meta("digits").Source.File);
    }

    /// <summary>full_split and pairs_k2..K, each with meta.json, note.txt and its models.</summary>
    private static void AssertLayout(TestProject project, string model)
    {
        var meta = project.Meta(model);
        int k = meta.SegmentCount;
        Assert.IsGreaterThanOrEqualTo(2, k, $"{model}: the budget must cut the model");
        var expected = new[] { "full_split" }.Concat(Enumerable.Range(2, k - 1).Select(i => $"pairs_k{i}")).Order().ToArray();
        var folders = Directory.GetDirectories(Path.Combine(project.OutDir, model)).Select(Path.GetFileName).Order().ToArray();
        CollectionAssert.AreEqual(expected, folders, $"{model} layout folders in bin");
        foreach (var folder in expected)
        {
            var combo = project.Meta(model, folder);
            Assert.IsTrue(File.Exists(Path.Combine(project.OutDir, model, folder, "note.txt")), $"{folder}/note.txt");
            foreach (var m in combo.Models)
            {
                var file = Path.Combine(project.OutDir, model, folder, m.File);
                Assert.IsTrue(File.Exists(file), $"{folder}/{m.File}");
                Assert.AreEqual(m.Bytes, new FileInfo(file).Length, $"{folder}/{m.File} size as meta.json records");
            }
        }

        Assert.HasCount(k, meta.Models, "full_split has one model per segment");
    }
}
