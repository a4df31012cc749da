using ModelBuild.Core.Layout;
using ModelBuild.TestSupport;

namespace ModelBuild.Sdk.Tests;

/// <summary>
/// Issue 4: "changing the .h5, any metadata, calibration data or the ModelBuild version reruns exactly what depends on
/// it". One ResNet-8 project calibrated on real images, changed one thing at a time; each build's events say which of
/// the four pipeline steps ran, and meta.json says what the layout was made from. In-process builds with the real tasks
/// (moved here from the end-to-end tests, where each build was a `dotnet build` process); a new ModelBuild version,
/// which needs the SDK packed twice, stays there (IncrementalRerunTests.A_new_ModelBuild_version_reruns_every_step).
/// </summary>
[TestClass]
public sealed class IncrementalRerunTests
{
    private const string ResNet8 = "03_mlperf_tiny_resnet8_cifar10_k2.4.h5";

    private static readonly string[] All = RecordingLogger.PipelineTasks;
    private static readonly string[] FromConvert = ["ConvertInt8", "CompileEdgeTpu", "EmitCombos"];
    private static readonly string[] FromEdgeTpu = ["CompileEdgeTpu", "EmitCombos"];

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Calibration_images_metadata_cuts_and_EdgeTpu_mode_each_rerun_exactly_their_steps()
    {
        var project = SdkProject.CreateWithTasks("");
        project.AddSharedModel(ResNet8, "resnet8.h5");
        // The loader takes .jpg/.jpeg/.png/.bmp (and .npy/.npz); the shared bird.rgb is raw pixels and is not one of them.
        var calib = project.AddImages("calib", "face.jpg", "marguerite.jpg");
        var settings = new Dictionary<string, string>
        {
            ["BudgetMiB"] = "0.03",
            ["CalibrationData"] = "calib",
            ["CalibrationSamples"] = "8",
            ["Preprocessing"] = "unit",
        };
        var total = System.Diagnostics.Stopwatch.StartNew();

        var baseline = Build(project, settings, "baseline", All);
        var meta = project.Meta("resnet8");
        Assert.AreEqual(new CalibrationInfo("calib", 8, "unit", 2, 6), meta.Calibration, "meta.json: both images and 6 derived (CalibrationAugment=Auto), unit preprocessing");
        Assert.AreEqual("PerChannel", meta.Quantization);
        Assert.IsGreaterThanOrEqualTo(2, meta.SegmentCount, "the budget cuts the model");

        File.Copy(RepoPaths.Image("cat.bmp"), Path.Combine(calib, "cat.bmp"));
        Build(project, settings, "an image added to the calibration folder", FromConvert);
        Assert.AreEqual(new CalibrationInfo("calib", 8, "unit", 3, 5), project.Meta("resnet8").Calibration, "meta.json counts the new image");

        settings["Preprocessing"] = "tf";
        Build(project, settings, "Preprocessing unit -> tf", FromConvert);
        Assert.AreEqual(new CalibrationInfo("calib", 8, "tf", 3, 5), project.Meta("resnet8").Calibration);

        settings["CalibrationAugment"] = "Off";
        Build(project, settings, "CalibrationAugment Auto -> Off", FromConvert);
        Assert.AreEqual(new CalibrationInfo("calib", 3, "tf", 3, 0), project.Meta("resnet8").Calibration, "the three images alone");
        settings.Remove("CalibrationAugment");

        settings["CalibrationData"] = "calib/*.jpg";
        Build(project, settings, "CalibrationData calib -> calib/*.jpg", FromConvert);
        Assert.AreEqual(new CalibrationInfo("calib/*.jpg", 8, "tf", 2, 6), project.Meta("resnet8").Calibration, "the glob's two JPEGs, not the BMP");

        settings["CalibrationSamples"] = "1";
        Build(project, settings, "CalibrationSamples 8 -> 1", FromConvert);
        Assert.AreEqual(new CalibrationInfo("calib/*.jpg", 1, "tf", 1, 0), project.Meta("resnet8").Calibration, "only one of the two images used, nothing to derive");

        // The planner sizes segments by their int8 bytes, which per-tensor scales change: the cut is redone too.
        settings["Quantization"] = "PerTensor";
        Build(project, settings, "Quantization PerChannel -> PerTensor", All);
        Assert.AreEqual("PerTensor", project.Meta("resnet8").Quantization);

        var firstCut = meta.Cuts[0].Tensor;
        settings["Cuts"] = firstCut;
        Build(project, settings, $"Cuts = {firstCut}", All);
        CollectionAssert.AreEqual(new[] { firstCut }, project.Meta("resnet8").Cuts.Select(c => c.Tensor).ToArray(), "the explicit cut is the plan");

        settings["EdgeTpu"] = "Off";
        var off = Build(project, settings, "EdgeTpu Auto -> Off", FromEdgeTpu);
        off.AssertLacks("MB4001", "Off: no word about a missing compiler");
        Assert.IsTrue(project.Meta("resnet8").Models.All(m => m.EdgeTpu.Status == "off"));

        var standIn = EdgeTpuStandIn.Install(SdkProject.ScratchRoot);
        standIn.Expose(project.BuildEnvironment, StandInLocation.Path);
        Build(project, settings, "a compiler on PATH while EdgeTpu is Off", []);
        Assert.IsEmpty(standIn.Compilations(), "Off: the compiler is not used");
        TestContext.WriteLine($"whole sequence: {total.Elapsed.TotalSeconds:F0} s (baseline build {baseline.Elapsed.TotalSeconds:F1} s)");
    }

    private ModelBuildRun Build(SdkProject project, Dictionary<string, string> settings, string what, string[] expected)
    {
        project.Rewrite(SdkProject.KerasModelItem("resnet8.h5", settings));
        var result = project.BuildModels();
        result.AssertSucceeded(what);
        TestContext.WriteLine($"{what}: {string.Join(", ", result.PipelineTasksRun)} ({result.Elapsed.TotalSeconds:F1} s)");
        CollectionAssert.AreEqual(expected, result.PipelineTasksRun.ToArray(), $"{what}: steps run were {string.Join(", ", result.PipelineTasksRun)}");
        return result;
    }
}
