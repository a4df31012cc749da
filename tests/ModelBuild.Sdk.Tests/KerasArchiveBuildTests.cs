using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Files;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.Quantization.Calibration;
using ModelBuild.Core.Quantization.Equalization;
using ModelBuild.Core.TfLite;
using ModelBuild.TestSupport;

namespace ModelBuild.Sdk.Tests;

/// <summary>
/// A real Keras 3 `.keras` file (15: nested Resizing/Rescaling and augmentation models) as a KerasModel item: a build
/// lays it out like an .h5, and its full_split chain run in TFLite 2.9 gives exactly the output of the unsegmented int8
/// model quantized in-process from the same file and calibration images. In-process builds with the real tasks (moved
/// here from the end-to-end tests, where each build was a `dotnet build` process).
/// </summary>
[TestClass]
public sealed class KerasArchiveBuildTests
{
    private const string Potato = "15_keras3.10_potato_cnn_nested_resizing_rescaling_augmentation.keras";
    private const int Samples = 4;

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void A_keras_archive_builds_and_its_full_split_chain_equals_the_unsegmented_int8_model_in_TFLite()
    {
        var project = SdkProject.CreateWithTasks(
            $"""<ItemGroup><KerasModel Include="potato.keras" BudgetMiB="0.1" CalibrationData="calib" CalibrationSamples="{Samples}" Preprocessing="none" /></ItemGroup>""");
        var model = project.AddSharedModel(Potato, "potato.keras");
        var calib = project.AddImages("calib", "face.jpg", "marguerite.jpg", "hot_dog.jpg", "cat.bmp");

        var build = project.BuildModels();
        build.AssertSucceeded("build of a .keras model");
        TestContext.WriteLine($"build: {build.Elapsed.TotalSeconds:F1} s");
        var meta = project.Meta("potato");
        Assert.IsGreaterThanOrEqualTo(2, meta.SegmentCount, "the budget cuts the model");
        Assert.AreEqual("potato.keras", meta.Source.File);
        Assert.AreEqual(AtomicFiles.Sha256(model), meta.Source.Sha256, "meta.json hashes the .keras file");
        Assert.IsTrue(Directory.Exists(Path.Combine(project.OutDir, "potato", $"pairs_k{meta.SegmentCount}")), "the pairs layouts are there too");

        var first = meta.Models.OrderBy(m => m.Order).First().Inputs.Single();
        CollectionAssert.AreEqual(new[] { 1, 256, 256, 3 }, first.Shape);
        var input = UnsegmentedInt8.Photo("hot_dog.jpg", first, Preprocessing.None);

        var steps = TfLiteChain.RunComboSteps(Path.Combine(project.OutDir, "potato", "full_split"), input);
        Assert.IsGreaterThan(50, steps[0].Distinct().Count(), "seg1's output is not degenerate");
        using var whole = TfLiteRuntime.Load(UnsegmentedInt8.Model(model, calib, first.Shape, Preprocessing.None, Samples));
        var expected = whole.RunInt8(input);
        Assert.HasCount(3, expected);
        CollectionAssert.AreEqual(expected, steps[^1], "full_split chain vs the unsegmented int8 model");

        var again = project.BuildModels();
        again.AssertSucceeded("second build");
        Assert.IsEmpty(again.PipelineTasksRun, "nothing changed, so no ModelBuild step runs; ran: " + string.Join(", ", again.PipelineTasksRun));
        File.SetLastWriteTimeUtc(model, DateTime.UtcNow);
        var touched = project.BuildModels();
        touched.AssertSucceeded("build after touching the .keras");
        CollectionAssert.Contains(touched.PipelineTasksRun.ToList(), "CutModel", "a newer .keras reruns the pipeline");
    }
}
