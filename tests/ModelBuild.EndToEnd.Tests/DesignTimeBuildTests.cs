namespace ModelBuild.EndToEnd.Tests;

/// <summary>
/// IDEs evaluate and partly build a project many times while it is edited (design-time builds). Those builds must not
/// cut, calibrate or compile anything, nor write ModelBuild outputs.
/// </summary>
[TestClass]
public sealed class DesignTimeBuildTests
{
    private const string ResNet8 = "03_mlperf_tiny_resnet8_cifar10_k2.4.h5";

    /// <summary>
    /// The targets and global properties of an IDE's design-time build as far as the .NET SDK alone defines them:
    /// Roslyn's MSBuild workspace (C# Dev Kit's language server) runs Compile/CoreCompile with these properties; Visual
    /// Studio's project system adds reference resolution and output-group targets. (CompileDesignTime and the other
    /// *DesignTime targets of Visual Studio's own Microsoft.Managed.DesignTime.targets are not in the SDK.)
    /// </summary>
    private static readonly string[] IdeDesignTimeBuild =
    [
        "-t:ResolveAssemblyReferences;ResolvePackageDependenciesDesignTime;Compile;CoreCompile;BuiltProjectOutputGroup;ContentFilesProjectOutputGroup",
        "-p:DesignTimeBuild=true", "-p:BuildingProject=false", "-p:BuildProjectReferences=false",
        "-p:SkipCompilerExecution=true", "-p:ProvideCommandLineArgs=true",
    ];

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void IDE_design_time_build_runs_no_ModelBuild_task_and_writes_no_outputs_while_a_normal_build_does()
    {
        var project = TestProject.Create(SdkStyle.ProjectSdk, ("resnet8.h5", "BudgetMiB=\"0.03\""));
        project.AddSharedModel(ResNet8, "resnet8.h5");

        // Every target of the SDK run flagged design-time (DesignTimeBuild=true) is ModelBuild.Sdk.Tests' ActivationTests, in process.
        var ide = project.Run(["msbuild", project.ProjectFile, "-restore", "-nodeReuse:false", "-v:d", .. IdeDesignTimeBuild]);
        TestProject.AssertSucceeded(ide, "IDE-style design-time build");
        TestContext.WriteLine($"IDE-style design-time build: {ide.Elapsed.TotalSeconds:F1} s");
        TestProject.AssertOutputContains(ide, "Target \"CoreCompile\"", "the design-time targets ran");
        Assert.IsEmpty(ide.ModelBuildTasksRun, "IDE-style design-time build: ran " + string.Join(", ", ide.ModelBuildTasksRun));
        AssertNoModelBuildOutputs(project);

        // Control: the same project, built for real, does build its model.
        var real = project.Build("--no-restore"); // the design-time build restored (-restore)
        TestProject.AssertSucceeded(real, "normal build");
        CollectionAssert.AreEqual(DotNetResult.PipelineTasks, real.PipelineTasksRun.ToArray());
        Assert.IsTrue(File.Exists(Path.Combine(project.OutDir, "resnet8", "full_split", "meta.json")));
    }

    private static void AssertNoModelBuildOutputs(TestProject project)
    {
        Assert.IsFalse(Directory.Exists(project.WorkDir), "nothing under obj/…/ModelBuild (no stamps, plan or models)");
        Assert.IsFalse(Directory.Exists(Path.Combine(project.OutDir, "resnet8")), "no layout in bin");
    }
}
