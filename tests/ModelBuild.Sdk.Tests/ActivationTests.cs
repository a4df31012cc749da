namespace ModelBuild.Sdk.Tests;

/// <summary>
/// When the SDK's targets do something: never in a design-time build, with ModelBuildEnabled=false or without KerasModel
/// items; otherwise they check the model exists before any step. In-process builds of the ModelBuild targets (moved
/// here from the end-to-end tests: a project without KerasModel items; a KerasModel that does not exist).
/// </summary>
[TestClass]
public sealed class ActivationTests
{
    [TestMethod]
    [DataRow("DesignTimeBuild", "true", DisplayName = "a design-time build")]
    [DataRow("ModelBuildEnabled", "false", DisplayName = "ModelBuildEnabled=false")]
    public void A_project_with_a_KerasModel_runs_no_task(string property, string value)
    {
        var project = SdkProject.Create("""<ItemGroup><KerasModel Include="missing.h5" /></ItemGroup>""");
        var (ok, log, _) = SdkProject.Build(project.Evaluate((property, value)), SdkProject.EntryTargets);
        Assert.IsTrue(ok, log.ErrorText);
        Assert.IsEmpty(log.TasksRun, "tasks run: " + string.Join(", ", log.TasksRun));
    }

    [TestMethod]
    public void A_project_without_KerasModel_items_runs_no_task()
    {
        var (ok, log, _) = SdkProject.Build(SdkProject.Create("").Evaluate(), SdkProject.EntryTargets);
        Assert.IsTrue(ok, log.ErrorText);
        Assert.IsEmpty(log.TasksRun, "tasks run: " + string.Join(", ", log.TasksRun));
    }

    [TestMethod]
    public void A_normal_build_stops_at_a_missing_model_with_MB5003_naming_the_project_before_any_step()
    {
        var project = SdkProject.Create("""<ItemGroup><KerasModel Include="missing.h5" /></ItemGroup>""");
        var (built, log, _) = SdkProject.Build(project.Evaluate(), SdkProject.EntryTargets);
        Assert.IsFalse(built);
        var error = log.Errors.Single();
        Assert.AreEqual("MB5003", error.Code);
        Assert.AreEqual(project.ProjectFile, error.File, "names the project that declares the item");
        StringAssert.Contains(error.Message, "KerasModel 'missing.h5' does not exist");
        Assert.DoesNotContain("MB5003", error.Message, "the code once, as the error's code");
        Assert.DoesNotContain("CutModel", log.TasksRun, "no step ran");
        Assert.IsFalse(Directory.Exists(Path.Combine(project.Directory_, "obj", "Debug", "net10.0", "ModelBuild")), "nothing written");
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
        var designTime = project.Evaluate(("DesignTimeBuild", "true"));
        foreach (var target in sdkTargets)
        {
            // A copy of the one evaluation per target: each build starts from the evaluated state, as its own build would.
            var (ok, log, _) = SdkProject.Build(designTime.DeepCopy(), target);
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
