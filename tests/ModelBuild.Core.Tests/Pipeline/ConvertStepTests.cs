using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Layout;
using ModelBuild.Core.Pipeline;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.Quantization.Calibration;
using ModelBuild.Core.Tests.Quantization.Calibration;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Pipeline;

/// <summary>
/// Calibration augmentation and the accuracy report as a build runs them (CutStep, ConvertStep, LayoutStep, as the
/// MSBuild tasks call them) on the shared MNIST model 13 cut into several segments.
/// </summary>
[TestClass]
public sealed class ConvertStepTests
{
    private const string Model = "13_mnist_edgetpu_tutorial_k2.h5";

    /// <summary>Two of the model's cut candidates: three segments.</summary>
    private static readonly IReadOnlyList<string> Cuts = ["conv2d_1", "max_pooling2d"];

    private sealed record Work(ModelBuildSettings Settings, WorkFolder Folder, string Output)
    {
        public string Store => Folder.StoreDirectory;
    }

    private static Work Build(string folder, string? calibration, CalibrationAugment augment, IBuildLog log, bool emit = true, RangeEstimator estimator = RangeEstimators.Default, bool perChannel = true)
    {
        var settings = new ModelBuildSettings
        {
            ModelFile = RepoPaths.KerasModel(Model),
            Cuts = Cuts,
            CalibrationData = calibration,
            CalibrationAugment = augment,
            Preprocessing = Preprocessing.Unit,
            RangeEstimator = estimator,
            PerChannel = perChannel,
        };
        var work = new Work(settings, new WorkFolder(folder), Path.Combine(folder, "out"));
        CutStep.Run(settings, work.Folder, log);
        ConvertStep.Run(settings, work.Folder, log);
        if (emit) LayoutStep.Run(settings, work.Folder, work.Output, log);
        return work;
    }

    private static ComboMeta Meta(Work work, string combo) => ComboMeta.FromJson(File.ReadAllText(Path.Combine(work.Output, combo, "meta.json")));

    [TestMethod]
    public void Four_photos_are_topped_up_to_32_samples_and_meta_json_and_note_txt_say_so_with_the_accuracy_report()
    {
        var log = new RecordingBuildLog();
        var work = Build(RepoPaths.NewScratchDirectory("accuracy-auto"), RepoPaths.Images, CalibrationAugment.Auto, log);
        var meta = Meta(work, "full_split");
        Assert.IsGreaterThan(1, meta.SegmentCount, "the plan cuts the model, so there are chains to check");
        Assert.AreEqual((32, 4, 28), (meta.Calibration.Samples, meta.Calibration.Original, meta.Calibration.Derived));

        var accuracy = meta.Accuracy!;
        Assert.IsFalse(accuracy.HeldOut, "four photos are too few to hold one back: the report reuses them");
        Assert.AreEqual(4, accuracy.Samples);
        Assert.IsGreaterThan(20.0, accuracy.Model.SqnrDb!.Value, "an MNIST CNN calibrated on photos still follows the float model on them");
        Assert.AreEqual(((int?)4, 4), (accuracy.Model.Top1Agree, accuracy.Model.Inputs));
        Assert.AreEqual(1, accuracy.Chain!.Inputs, "chains run on the first input");
        Assert.IsTrue(accuracy.ChainMatchesModel, "the segment chain computes exactly the whole int8 model");
        Assert.HasCount(5, accuracy.WorstLayers);
        Assert.IsTrue(accuracy.WorstLayers.Zip(accuracy.WorstLayers.Skip(1)).All(p => p.First.SqnrDb <= p.Second.SqnrDb), "worst first");
        Assert.IsFalse(log.Warnings.Any(w => w.Code == "MB3070"), string.Join("\n", log.Warnings));

        foreach (var k in Enumerable.Range(2, meta.SegmentCount - 1))
        {
            var pair = Meta(work, $"pairs_k{k}").Accuracy!;
            Assert.AreEqual(accuracy.Chain, pair.Chain, $"pairs_k{k}");
            Assert.IsTrue(pair.ChainMatchesModel, $"pairs_k{k}");
        }

        // Every field of the report and of calibration is documented.
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(work.Output, "full_split", "meta.json")));
        var report = json.RootElement.GetProperty("accuracy");
        var fields = report.EnumerateObject().Select(p => p.Name)
            .Concat(report.GetProperty("model").EnumerateObject().Select(p => p.Name))
            .Concat(report.GetProperty("worstLayers")[0].EnumerateObject().Select(p => p.Name))
            .Concat(json.RootElement.GetProperty("calibration").EnumerateObject().Select(p => p.Name)).Distinct().ToList();
        CollectionAssert.IsSubsetOf(new[] { "samples", "heldOut", "model", "worstLayers", "mostLoss", "minSqnrDb", "chain", "chainMatchesModel", "original", "derived" }, fields);
        var docs = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "META-JSON.md"));
        foreach (var f in fields) StringAssert.Contains(docs, $"`{f}`", $"docs/META-JSON.md documents '{f}'");

        var note = File.ReadAllText(Path.Combine(work.Output, "full_split", "note.txt"));
        StringAssert.Contains(note, "4 original, 28 derived from them (crops and mirror images; CalibrationAugment=Auto)");
        StringAssert.Contains(note, "Accuracy, int8 vs float, on 4 calibration samples reused");
        StringAssert.Contains(note, "this folder's chain, run from its files on the first input: SQNR ");
        StringAssert.Contains(note, "worst tensors: ");
    }

    [TestMethod]
    public void Augment_Off_calibrates_on_the_photos_alone()
    {
        var work = Build(RepoPaths.NewScratchDirectory("accuracy-off"), RepoPaths.Images, CalibrationAugment.Off, new RecordingBuildLog());
        var meta = Meta(work, "full_split");
        Assert.AreEqual((4, 4, 0), (meta.Calibration.Samples, meta.Calibration.Original, meta.Calibration.Derived));
        Assert.DoesNotContain("derived", File.ReadAllText(Path.Combine(work.Output, "full_split", "note.txt")));
    }

    [TestMethod]
    [DataRow(RangeEstimator.MinMax, true)]
    [DataRow(RangeEstimator.Mse, true)]
    [DataRow(RangeEstimator.Percentile, true)]
    [DataRow(RangeEstimator.MinMax, false)]
    public void Augmented_calibration_gives_byte_identical_models_on_rebuild(RangeEstimator estimator, bool perChannel)
    {
        // Bias correction (both) and cross-layer equalization (per-tensor) are part of what must not vary.
        var first = Build(RepoPaths.NewScratchDirectory("accuracy-rebuild-1"), RepoPaths.Images, CalibrationAugment.Auto, new RecordingBuildLog(), emit: false, estimator, perChannel);
        var second = Build(RepoPaths.NewScratchDirectory("accuracy-rebuild-2"), RepoPaths.Images, CalibrationAugment.Auto, new RecordingBuildLog(), emit: false, estimator, perChannel);
        var files = Directory.GetFiles(first.Store).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        CollectionAssert.AreEqual(files, Directory.GetFiles(second.Store).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList());
        Assert.IsTrue(files.Any(f => f!.EndsWith(".tflite", StringComparison.Ordinal)));
        foreach (var f in files)
            CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(first.Store, f!)), File.ReadAllBytes(Path.Combine(second.Store, f!)), f);
    }

    [TestMethod]
    public void Black_calibration_images_warn_MB3070_on_a_held_out_photo_naming_a_layer()
    {
        // Seven black images and, eighth in name order, a real photo: the report holds the eighth back.
        var data = RepoPaths.NewScratchDirectory("accuracy-black-data");
        for (int i = 0; i < 7; i++) File.WriteAllBytes(Path.Combine(data, $"black{i}.bmp"), BmpFiles.Solid(32, 32, 0, 0, 0));
        File.Copy(RepoPaths.Image("hot_dog.jpg"), Path.Combine(data, "z_hot_dog.jpg"));
        var log = new RecordingBuildLog();
        var work = Build(RepoPaths.NewScratchDirectory("accuracy-black"), data, CalibrationAugment.Auto, log);

        var accuracy = Meta(work, "full_split").Accuracy!;
        Assert.IsTrue(accuracy.HeldOut);
        Assert.AreEqual(1, accuracy.Samples);
        Assert.IsLessThan(ModelBuildDefaults.MinSqnrDb, accuracy.Model.SqnrDb!.Value);
        var warning = log.Warnings.Single(w => w.Code == "MB3070");
        Assert.AreEqual(RepoPaths.KerasModel(Model), warning.File);
        var worst = accuracy.WorstLayers[0];
        StringAssert.Contains(warning.Message, $"The worst layer is '{worst.Layer}' ({worst.Class})");
        StringAssert.Contains(warning.Message, "on 1 calibration samples held back");
        var most = accuracy.MostLoss!;
        StringAssert.Contains(warning.Message, $"the most is lost at '{most.Layer}' ({most.Class})");
        StringAssert.Contains(warning.Message, "Calibrate with more, and more representative, inputs");
        StringAssert.Contains(File.ReadAllText(Path.Combine(work.Output, "full_split", "note.txt")), "below MinSqnrDb (10 dB)");

        // MinSqnrDb = 0 turns the warning off.
        var quiet = new RecordingBuildLog();
        var settings = work.Settings with { MinSqnrDb = 0 };
        ConvertStep.Run(settings, work.Folder, quiet);
        Assert.IsFalse(quiet.Warnings.Any(w => w.Code == "MB3070"));
    }
}
