using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Quantization.Calibration;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Quantization.Calibration;

/// <summary>The sample total that calibration progress counts towards ("12/32 samples").</summary>
[TestClass]
public sealed class CalibrationDataLoaderExpectedCountTests
{
    [TestMethod]
    public void Synthetic_gives_the_cap_augmented_photos_the_cap_plain_photos_one_each_and_NumPy_files_no_known_total()
    {
        Assert.AreEqual(CalibrationOptions.DefaultMaxSamples, CalibrationDataLoader.ExpectedCount(null, new CalibrationOptions()));
        // ../shared/images holds four images (bmp, jpg) besides files that are not calibration inputs.
        Assert.AreEqual(CalibrationOptions.DefaultMaxSamples, CalibrationDataLoader.ExpectedCount(RepoPaths.Images, new CalibrationOptions { Augment = CalibrationAugment.Auto }));
        Assert.AreEqual(4, CalibrationDataLoader.ExpectedCount(RepoPaths.Images, new CalibrationOptions { Augment = CalibrationAugment.Off }));
        Assert.AreEqual(2, CalibrationDataLoader.ExpectedCount(RepoPaths.Images, new CalibrationOptions { MaxSamples = 2 }));

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
}
