using ModelBuild.TestSupport;

namespace ModelBuild.EndToEnd.Tests;

/// <summary>
/// Real `dotnet build` / `publish` of generated projects using the packed ModelBuild.Sdk, on MLPerf Tiny ResNet-8
/// (small, so each build takes seconds) with a tiny budget so it is cut into several segments: the PackageReference
/// form and publish, and two models on MSBuild's nodes. A Project SDK build kept incremental through delete, touch and
/// clean runs in process in Sdk.Tests (IncrementalBuildTests).
/// </summary>
[TestClass]
public sealed class SdkBuildTests
{
    private const string ResNet8 = "03_mlperf_tiny_resnet8_cifar10_k2.4.h5";
    private const string Mnist = "13_mnist_edgetpu_tutorial_k2.h5";
    private const string SmallBudget = "BudgetMiB=\"0.03\"";

    public TestContext TestContext { get; set; } = null!;

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
        var second = project.Build("--no-restore"); // a metadata change: the package reference is as restored
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
        var publish = project.Run("publish", project.ProjectFile, "--no-restore", "-nodeReuse:false", "-o", publishDir);
        TestProject.AssertSucceeded(publish, "dotnet publish");
        var published = LayoutSnapshot.Of(publishDir, "resnet8").Keys.Order().ToList();
        var built = LayoutSnapshot.Of(project.OutDir, "resnet8").Keys.Order().ToList();
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

    private static void AssertLayout(TestProject project, string model) => LayoutAssert.Complete(project.OutDir, model);
}
