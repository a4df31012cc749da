using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Quantization.Calibration;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Quantization.Calibration;

/// <summary>A per-tensor build reads the calibration stream twice (equalization, then calibration).</summary>
[TestClass]
public sealed class CalibrationSampleSetTests
{
    [TestMethod]
    public void Reading_the_stream_again_gives_the_same_samples_and_the_same_counts()
    {
        var set = CalibrationDataLoader.Open(RepoPaths.Images, [1, 16, 16, 3], new CalibrationOptions { MaxSamples = 12 }, new RecordingBuildLog());

        var first = set.Calibration.ToList();
        var counts = (set.Original, set.Derived, set.Evaluation.Count);
        var second = set.Calibration.ToList();

        Assert.AreEqual(counts, (set.Original, set.Derived, set.Evaluation.Count));
        Assert.AreEqual(12, set.Calibrated);
        Assert.AreEqual(first.Count, second.Count);
        for (int i = 0; i < first.Count; i++) CollectionAssert.AreEqual(first[i], second[i], $"sample {i}");
    }
}
