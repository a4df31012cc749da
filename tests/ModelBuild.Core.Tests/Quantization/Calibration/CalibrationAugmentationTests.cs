using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Quantization.Calibration;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Quantization.Calibration;

/// <summary>The derived calibration views, on BMP photos made in code.</summary>
[TestClass]
public sealed class CalibrationAugmentationTests
{
    private static string Photo(string folder, string name, byte[] bmp)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, bmp);
        return path;
    }

    [TestMethod]
    public void The_first_view_is_the_whole_photo_mirrored()
    {
        var folder = RepoPaths.NewScratchDirectory("augment-mirror");
        var photo = Photo(folder, "ramp.bmp", BmpFiles.Of(4, 4, (y, x) => ((byte)(10 * x), (byte)(10 * y), 7)));

        var first = CalibrationAugmentation.Derive([photo], 1, [4, 4, 3], Preprocessing.None).Single();

        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 4; x++)
            {
                int at = ((y * 4) + x) * 3;
                CollectionAssert.AreEqual(new[] { 10f * (3 - x), 10f * y, 7f }, first[at..(at + 3)], $"pixel ({y}, {x})");
            }
    }

    [TestMethod]
    public void Views_go_across_every_photo_before_the_next_view()
    {
        var folder = RepoPaths.NewScratchDirectory("augment-order");
        string[] photos = [Photo(folder, "a.bmp", BmpFiles.Solid(8, 8, 10, 10, 10)), Photo(folder, "b.bmp", BmpFiles.Solid(8, 8, 200, 200, 200))];

        var firstPixels = CalibrationAugmentation.Derive(photos, 5, [2, 2, 3], Preprocessing.None).Select(s => s[0]).ToArray();

        CollectionAssert.AreEqual(new[] { 10f, 200f, 10f, 200f, 10f }, firstPixels);
    }

    [TestMethod]
    public void Derived_views_are_preprocessed()
    {
        var folder = RepoPaths.NewScratchDirectory("augment-preprocess");
        var photo = Photo(folder, "white.bmp", BmpFiles.Solid(4, 4, 255, 255, 255));

        var sample = CalibrationAugmentation.Derive([photo], 1, [2, 2, 3], Preprocessing.Tf).Single();

        Assert.IsTrue(sample.All(v => v == 1f), "white is 1 in -1..1");
    }

    [TestMethod]
    public void No_photos_or_no_count_derive_nothing()
    {
        Assert.IsFalse(CalibrationAugmentation.Derive([], 5, [2, 2, 3], Preprocessing.None).Any());
        Assert.IsFalse(CalibrationAugmentation.Derive(["never-read.bmp"], 0, [2, 2, 3], Preprocessing.None).Any());
    }

    [TestMethod]
    public void The_capacity_is_one_sample_per_view_and_photo() =>
        Assert.AreEqual(3 * CalibrationAugmentation.Views.Length, CalibrationAugmentation.Capacity(3));

    [TestMethod]
    public void Every_view_is_a_different_framing() =>
        Assert.HasCount(CalibrationAugmentation.Views.Length, CalibrationAugmentation.Views.Distinct());

    [TestMethod]
    [DataRow(null, CalibrationAugment.Auto)]
    [DataRow(" auto ", CalibrationAugment.Auto)]
    [DataRow("OFF", CalibrationAugment.Off)]
    public void Augment_values_parse_in_any_case(string? text, CalibrationAugment expected) =>
        Assert.AreEqual(expected, CalibrationAugmentation.Parse(text));

    [TestMethod]
    public void An_unknown_augment_value_is_MB3057()
    {
        var e = Assert.ThrowsExactly<ModelBuildException>(() => CalibrationAugmentation.Parse("always", "model.h5"));

        Assert.AreEqual("MB3057", e.Code);
        Assert.AreEqual("model.h5", e.File);
    }
}
