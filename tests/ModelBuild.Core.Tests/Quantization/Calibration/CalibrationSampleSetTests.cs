using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Quantization.Calibration;
using ModelBuild.Core.Tests.Layout;
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

    [TestMethod]
    [DataRow(null, 2, true)]
    [DataRow(null, 32, false)]
    [DataRow("photos", 32, true)]
    [DataRow("nine photos", 32, false)]
    public void Whether_the_report_may_reuse_calibration_samples_is_known_before_reading_and_holds(string? source, int maxSamples, bool mayReuse)
    {
        using var nine = new TemporaryPhotos(9);
        var spec = source switch { null => null, "photos" => RepoPaths.Images, _ => nine.Path };
        var set = CalibrationDataLoader.Open(spec, [1, 16, 16, 3], new CalibrationOptions { MaxSamples = maxSamples }, new RecordingBuildLog());

        Assert.AreEqual(mayReuse, set.ReportMayReuse, "before reading");
        _ = set.Calibration.Count();
        Assert.AreEqual(!mayReuse, set.EvaluationHeldOut, "after reading: held back exactly when it said reuse was impossible");
    }

    /// <summary>A folder of <c>n</c> copies of one of the shared photos.</summary>
    private sealed class TemporaryPhotos : IDisposable
    {
        public TemporaryPhotos(int n)
        {
            Path = RepoPaths.NewScratchDirectory("photos");
            for (int i = 0; i < n; i++) File.Copy(System.IO.Path.Combine(RepoPaths.Images, "cat.bmp"), System.IO.Path.Combine(Path, $"cat{i}.bmp"));
        }

        public string Path { get; }

        public void Dispose() => ResidualArtifacts.DeleteScratch(Path);
    }
}
