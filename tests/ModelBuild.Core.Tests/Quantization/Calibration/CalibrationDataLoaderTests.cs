using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.Quantization.Calibration;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.Execution.Int8TestHelpers;

namespace ModelBuild.Core.Tests.Quantization.Calibration;

/// <summary>What the loader yields: the sample total progress counts towards, and real photos against the synthetic fallback.</summary>
[TestClass]
public sealed class CalibrationDataLoaderTests
{
    [TestMethod]
    public void Synthetic_samples_count_to_the_cap() =>
        Assert.AreEqual(CalibrationOptions.DefaultMaxSamples, CalibrationDataLoader.ExpectedCount(null, new CalibrationOptions()));

    // ../shared/images holds four images (bmp, jpg) besides files that are not calibration inputs.

    [TestMethod]
    public void Augmented_photos_count_to_the_cap() =>
        Assert.AreEqual(CalibrationOptions.DefaultMaxSamples, CalibrationDataLoader.ExpectedCount(RepoPaths.Images, new CalibrationOptions { Augment = CalibrationAugment.Auto }));

    [TestMethod]
    public void Plain_photos_count_one_each() =>
        Assert.AreEqual(4, CalibrationDataLoader.ExpectedCount(RepoPaths.Images, new CalibrationOptions { Augment = CalibrationAugment.Off }));

    [TestMethod]
    public void A_cap_below_the_photo_count_is_the_count() =>
        Assert.AreEqual(2, CalibrationDataLoader.ExpectedCount(RepoPaths.Images, new CalibrationOptions { MaxSamples = 2 }));

    [TestMethod]
    public void NumPy_files_have_no_known_total()
    {
        var dir = RepoPaths.NewScratchDirectory("expected-count");
        File.WriteAllBytes(Path.Combine(dir, "batch.npy"), []);

        Assert.IsNull(CalibrationDataLoader.ExpectedCount(dir, new CalibrationOptions()), "a .npy may hold many samples");
    }

    [TestMethod]
    [DataRow(CalibrationAugment.Auto, 32)]
    [DataRow(CalibrationAugment.Off, 32)]
    [DataRow(CalibrationAugment.Auto, 3)]
    public void The_expected_count_is_what_the_sample_set_gives(CalibrationAugment augment, int maxSamples)
    {
        var options = new CalibrationOptions { Augment = augment, MaxSamples = maxSamples };
        var set = CalibrationDataLoader.Open(RepoPaths.Images, [1, 16, 16, 3], options, new RecordingBuildLog());

        int seen = set.Calibration.Count();

        Assert.AreEqual(CalibrationDataLoader.ExpectedCount(RepoPaths.Images, options), seen);
    }

    // Real-image calibration against the synthetic fallback (CalibrationData = ../shared/images or none), both
    // as a build gets them; compared with the float model on inputs neither calibration saw: bird.rgb and the
    // mirror images of the four photos. Each prints its docs/ACCURACY.md row.

    /// <summary>The loader's preprocessing mode matching each model's training (see <see cref="AccuracyInputs.Preprocessing"/>).</summary>
    private static Preprocessing ModeFor(string model) => model[..2] switch
    {
        "01" or "02" or "05" or "06" => Preprocessing.Tf,
        _ => Preprocessing.Unit,
    };

    [TestMethod]
    public void Real_images_calibrate_02_MobileNet_better_than_the_synthetic_fallback()
    {
        var (real, synthetic) = Compare("02_keras_apps_mobilenet_v1_0.25_224_imagenet_k2.8.h5");
        Assert.IsGreaterThanOrEqualTo(synthetic.SqnrDb, real.SqnrDb, $"real {real} vs synthetic {synthetic}");
        Assert.IsGreaterThanOrEqualTo(synthetic.Top1Agree, real.Top1Agree, $"real {real} vs synthetic {synthetic}");
        // Not a tie by luck: random pixels give MobileNet ranges far from a photo's.
        Assert.IsGreaterThan(synthetic.SqnrDb + 3, real.SqnrDb, $"real {real} vs synthetic {synthetic}");
    }

    /// <summary>Every shared Keras model but 02, which has the stronger test above; the U-Net (11) with <see cref="FullMeasurement"/>.</summary>
    public static IEnumerable<object[]> ModelsBut02 =>
        FullMeasurement.Without(SharedKerasModels.All.Where(row => !((string)row[0]).StartsWith("02_", StringComparison.Ordinal)), "11_");

    [TestMethod]
    [DynamicData(nameof(ModelsBut02))]
    public void Both_calibrations_give_working_int8_models(string model)
    {
        var (real, synthetic) = Compare(model);
        // The row is the product; the bound only catches a broken pipeline (a model quantized to noise).
        Assert.IsGreaterThan(5.0, Math.Max(real.SqnrDb, synthetic.SqnrDb), $"{model}: real {real}, synthetic {synthetic}");
    }

    private static (OutputAgreement Real, OutputAgreement Synthetic) Compare(string model)
    {
        var path = RepoPaths.KerasModel(model);
        var graph = KerasModelReader.Read(path);
        var shape = graph.Inputs[0].Shape;
        var options = new CalibrationOptions { Preprocessing = ModeFor(model) };
        var log = new RecordingBuildLog();
        var realRanges = Calibrator.Calibrate(graph, CalibrationDataLoader.Load(RepoPaths.Images, shape, options, log, path), log);
        int realCount = realRanges.SampleCount;
        var syntheticRanges = Calibrator.Calibrate(graph, CalibrationDataLoader.Load(null, shape, options, log, path), log);
        Assert.IsTrue(log.Warnings.Any(w => w.Code == "MB3060"), "the synthetic fallback warns");

        var evaluation = HeldOutInputs(model, shape);
        var floatExec = new FloatExecutor(graph);
        var floats = evaluation.Select(x => floatExec.Run(x)).ToList();
        var real = Measure(graph, realRanges, evaluation, floats);
        var synthetic = Measure(graph, syntheticRanges, evaluation, floats);
        string Top1(OutputAgreement m) => graph.Outputs[0].Rank == 2 ? $"{m.Top1Agree}/{m.Inputs}" : "n/a";
        Console.WriteLine($"| {model} | {realCount} photos | {Top1(real)} | {real.SqnrDb:F1} | {syntheticRanges.SampleCount} random | {Top1(synthetic)} | {synthetic.SqnrDb:F1} |");
        return (real, synthetic);
    }

    /// <param name="floats">The float model's output for each of <paramref name="inputs"/>.</param>
    private static OutputAgreement Measure(ModelGraph graph, CalibrationResult ranges, IReadOnlyList<float[]> inputs, IReadOnlyList<float[]> floats)
    {
        var int8 = Quantizer.Quantize(graph, ranges);
        var exec = new Int8Executor(int8);
        var measure = new OutputAgreement();
        for (int i = 0; i < inputs.Count; i++)
            measure.Add(floats[i], RunOnRealValues(exec, inputs[i]));
        return measure;
    }

    /// <summary>bird.rgb and the mirror images of the four photos the loader reads, preprocessed for the model.</summary>
    private static List<float[]> HeldOutInputs(string model, int[] shape)
    {
        var all = AccuracyInputs.Samples(model, shape).ToList(); // photo, mirror, photo, mirror, … (bird first)
        return [all[0], .. all.Where((_, i) => i % 2 == 1 && i > 1)];
    }
}
