namespace ModelBuild.Sdk.Tests;

/// <summary>
/// The items Visual Studio's fast up-to-date check reads: evaluation gives the models and the laid-out meta.json files;
/// its design-time target CollectUpToDateCheckInputDesignTime (declared here as Visual Studio's managed targets declare
/// it, since the .NET SDK alone has none) also gets each model's calibration files, running no task.
/// </summary>
[TestClass]
public sealed class UpToDateCheckItemsTests
{
    private const string VisualStudioCollectTarget = """<Target Name="CollectUpToDateCheckInputDesignTime" Returns="@(UpToDateCheckInput)" />""";

    [TestMethod]
    public void Two_models_with_calibration_folders_give_their_h5_and_calibration_files_as_inputs_and_their_meta_json_as_built()
    {
        var project = SdkProject.Create($"""
            <ItemGroup>
              <KerasModel Include="resnet.h5" CalibrationData="calib" />
              <KerasModel Include="models/mobilenet.h5" CalibrationData="tensors/*.npy" OutputSubdirectory="mnv1" />
            </ItemGroup>
            {VisualStudioCollectTarget}
            """);
        var images = new[] { project.AddFile("calib/cat.jpg"), project.AddFile("calib/dog.PNG"), project.AddFile("calib/bird.bmp") };
        project.AddFile("calib/README.md");
        project.AddFile("calib/nested/deep.jpg");
        var tensors = new[] { project.AddFile("tensors/a.npy"), project.AddFile("tensors/b.npy") };
        project.AddFile("tensors/c.npz");
        var models = new[] { project.AddFile("resnet.h5"), project.AddFile("models/mobilenet.h5") };

        var instance = project.Evaluate(("DesignTimeBuild", "true"));
        var evaluated = instance.GetItems("UpToDateCheckInput").Where(i => i.GetMetadataValue("Set") == "ModelBuild").Select(i => i.GetMetadataValue("FullPath")).ToList();
        CollectionAssert.AreEquivalent(models, evaluated, "evaluation: the two models");
        var outDir = Path.Combine(project.Directory_, "bin", "Debug", "net10.0");
        var built = instance.GetItems("UpToDateCheckBuilt").Where(i => i.GetMetadataValue("Set") == "ModelBuild").Select(i => i.GetMetadataValue("FullPath")).ToList();
        CollectionAssert.AreEquivalent(new[] { Path.Combine(outDir, "resnet", "full_split", "meta.json"), Path.Combine(outDir, "mnv1", "full_split", "meta.json") }, built);

        var (ok, log, results) = SdkProject.Build(instance, "CollectUpToDateCheckInputDesignTime");
        Assert.IsTrue(ok, log.ErrorText);
        Assert.IsEmpty(log.TasksRun, "the design-time target runs no task: " + string.Join(", ", log.TasksRun));
        var inputs = results["CollectUpToDateCheckInputDesignTime"].Items.Where(i => i.GetMetadata("Set") == "ModelBuild").Select(i => i.ItemSpec).ToList();
        CollectionAssert.AreEquivalent(models.Concat(images).Concat(tensors).ToList(), inputs.Select(p => Path.GetFullPath(p, project.Directory_)).ToList(),
            "models, the calibration folder's images (not README.md, not a subfolder) and the glob's .npy files");
    }

    [TestMethod]
    public void With_ModelBuildEnabled_false_the_check_gets_no_ModelBuild_items()
    {
        var project = SdkProject.Create($"""
            <PropertyGroup><ModelBuildEnabled>false</ModelBuildEnabled></PropertyGroup>
            <ItemGroup><KerasModel Include="a.h5" CalibrationData="calib" /></ItemGroup>
            {VisualStudioCollectTarget}
            """);
        project.AddFile("calib/cat.jpg");
        var instance = project.Evaluate();
        Assert.IsEmpty(instance.GetItems("UpToDateCheckInput").Where(i => i.GetMetadataValue("Set") == "ModelBuild"));
        Assert.IsEmpty(instance.GetItems("UpToDateCheckBuilt").Where(i => i.GetMetadataValue("Set") == "ModelBuild"));
        var (ok, _, results) = SdkProject.Build(instance, "CollectUpToDateCheckInputDesignTime");
        Assert.IsTrue(ok);
        Assert.IsEmpty(results["CollectUpToDateCheckInputDesignTime"].Items);
    }
}
