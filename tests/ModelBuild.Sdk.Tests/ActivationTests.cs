namespace ModelBuild.Sdk.Tests;

/// <summary>
/// When the SDK's targets do something: never in a design-time build, with ModelBuildEnabled=false or without KerasModel
/// items; otherwise they check the model exists before any step. In-process builds of the ModelBuild targets (moved
/// here from the end-to-end tests: a project without KerasModel items; a KerasModel that does not exist).
/// </summary>
[TestClass]
public sealed class ActivationTests
{
    /// <summary>The SDK's entry targets a build reaches (Build runs ModelBuildCopyToOutputDirectory, which runs ModelBuild).</summary>
    private static readonly string[] EntryTargets = ["ModelBuild", "ModelBuildCopyToOutputDirectory"];

    [TestMethod]
    public void Design_time_builds_ModelBuildEnabled_false_and_projects_without_KerasModel_items_run_no_task_while_a_normal_build_checks_the_model()
    {
        var withModel = SdkProject.Create("""<ItemGroup><KerasModel Include="missing.h5" /></ItemGroup>""");
        var withoutModel = SdkProject.Create("");

        foreach (var (project, what, globals) in new[]
                 {
                     (withModel, "DesignTimeBuild=true", new[] { ("DesignTimeBuild", "true") }),
                     (withModel, "ModelBuildEnabled=false", new[] { ("ModelBuildEnabled", "false") }),
                     (withoutModel, "no KerasModel items", Array.Empty<(string, string)>()),
                 })
        {
            var (ok, log, _) = SdkProject.Build(project.Evaluate(globals), EntryTargets);
            Assert.IsTrue(ok, $"{what}: {log.ErrorText}");
            Assert.IsEmpty(log.TasksRun, $"{what}: tasks run: {string.Join(", ", log.TasksRun)}");
        }

        // Control: a normal build of the same project does act, and stops at the missing model with MB5003.
        var (built, normal, _) = SdkProject.Build(withModel.Evaluate(), EntryTargets);
        Assert.IsFalse(built);
        var error = normal.Errors.Single();
        Assert.AreEqual("MB5003", error.Code);
        Assert.AreEqual(withModel.ProjectFile, error.File, "names the project that declares the item");
        StringAssert.Contains(error.Message, "KerasModel 'missing.h5' does not exist");
        Assert.DoesNotContain("MB5003", error.Message, "the code once, as the error's code");
        Assert.DoesNotContain("CutModel", normal.TasksRun, "no step ran");
        Assert.IsFalse(Directory.Exists(Path.Combine(withModel.Directory_, "obj", "Debug", "net10.0", "ModelBuild")), "nothing written");
    }

    [TestMethod]
    public void In_a_design_time_build_no_target_of_the_SDK_runs_a_task()
    {
        var project = SdkProject.Create("""
            <ItemGroup><KerasModel Include="a.h5" CalibrationData="calib" /></ItemGroup>
            <PropertyGroup><EdgeTpuCompilerPath>$(ModelBuildEdgeTpuDockerScript)</EdgeTpuCompilerPath></PropertyGroup>
            """);
        project.AddFile("a.h5");
        project.AddFile("calib/cat.jpg");
        var sdkTargets = SdkProject.Create("").Evaluate().Targets.Values
            .Where(t => t.FullPath.Contains(Path.Combine("ModelBuild.Sdk", "build"), StringComparison.Ordinal) && t.Name != "ModelBuildClean")
            .Select(t => t.Name).ToList();
        Assert.IsGreaterThanOrEqualTo(10, sdkTargets.Count, string.Join(", ", sdkTargets));
        foreach (var target in sdkTargets)
        {
            var (ok, log, _) = SdkProject.Build(project.Evaluate(("DesignTimeBuild", "true")), target);
            Assert.IsTrue(ok, $"{target}: {log.ErrorText}");
            Assert.IsEmpty(log.TasksRun, $"{target} at design time ran {string.Join(", ", log.TasksRun)}");
        }

        Assert.IsFalse(Directory.Exists(Path.Combine(project.Directory_, "obj")), "nothing written");
    }

    [TestMethod]
    public void A_missing_tasks_assembly_fails_with_MB5004_before_any_step()
    {
        var project = SdkProject.Create("""
            <PropertyGroup><ModelBuildTasksAssembly>$(MSBuildProjectDirectory)/no/ModelBuild.Tasks.dll</ModelBuildTasksAssembly></PropertyGroup>
            <ItemGroup><KerasModel Include="a.h5" /></ItemGroup>
            """);
        project.AddFile("a.h5");
        var (ok, log, _) = SdkProject.Build(project.Evaluate(), "ModelBuild");
        Assert.IsFalse(ok);
        Assert.AreEqual("MB5004", log.Errors.Single().Code, log.ErrorText);
        Assert.DoesNotContain("WriteModelBuildStamps", log.TasksRun);
    }
}
