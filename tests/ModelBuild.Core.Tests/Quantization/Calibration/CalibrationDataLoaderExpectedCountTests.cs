using ModelBuild.Core.Quantization.Calibration;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Quantization.Calibration;

/// <summary>The sample total that calibration progress counts towards ("12/32 samples").</summary>
[TestClass]
public sealed class CalibrationDataLoaderExpectedCountTests
{
    [TestMethod]
    public void Synthetic_gives_the_cap_images_one_each_up_to_the_cap_and_NumPy_files_no_known_total()
    {
        Assert.AreEqual(CalibrationOptions.DefaultMaxSamples, CalibrationDataLoader.ExpectedCount(null, new CalibrationOptions()));
        // ../shared/images holds four images (bmp, jpg) besides files that are not calibration inputs. Without
        // augmentation each counts once (four are too few to hold one back); with it they are topped up to the cap.
        var off = new CalibrationOptions { Augment = CalibrationAugment.Off };
        Assert.AreEqual(4, CalibrationDataLoader.ExpectedCount(RepoPaths.Images, off));
        Assert.AreEqual(2, CalibrationDataLoader.ExpectedCount(RepoPaths.Images, off with { MaxSamples = 2 }));
        Assert.AreEqual(CalibrationOptions.DefaultMaxSamples, CalibrationDataLoader.ExpectedCount(RepoPaths.Images, new CalibrationOptions { Augment = CalibrationAugment.Auto }));

        var dir = RepoPaths.NewScratchDirectory("expected-count");
        File.WriteAllBytes(Path.Combine(dir, "batch.npy"), []);
        Assert.IsNull(CalibrationDataLoader.ExpectedCount(dir, new CalibrationOptions()), "a .npy may hold many samples");
    }
}
