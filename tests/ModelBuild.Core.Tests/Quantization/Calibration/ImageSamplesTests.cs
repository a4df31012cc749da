using ModelBuild.Core.Quantization.Calibration;

namespace ModelBuild.Core.Tests.Quantization.Calibration;

/// <summary>The bilinear resize with half-pixel centres, on small images whose results are worked out by hand.</summary>
[TestClass]
public sealed class ImageSamplesTests
{
    /// <summary>A 4×4 one-channel image with pixel (y, x) = 16·y + x.</summary>
    private static readonly byte[] Ramp = Enumerable.Range(0, 16).Select(i => (byte)(16 * (i / 4) + i % 4)).ToArray();

    [TestMethod]
    public void Resizing_to_the_same_size_keeps_every_pixel() =>
        CollectionAssert.AreEqual(Ramp.Select(b => (float)b).ToArray(), ImageSamples.Resize(Ramp, 4, 4, 1, 4, 4));

    [TestMethod]
    public void Halving_averages_each_two_by_two_block()
    {
        // Half-pixel centres land between source pixels 0 and 1, and 2 and 3: each output is its 2×2 block's mean.
        var expected = new[] { (0 + 1 + 16 + 17) / 4f, (2 + 3 + 18 + 19) / 4f, (32 + 33 + 48 + 49) / 4f, (34 + 35 + 50 + 51) / 4f };

        CollectionAssert.AreEqual(expected, ImageSamples.Resize(Ramp, 4, 4, 1, 2, 2));
    }

    [TestMethod]
    public void A_mirrored_resize_reverses_each_row()
    {
        var mirrored = ImageSamples.Resize(Ramp, 4, 1, new ImageSamples.Region(0, 0, 4, 4), 4, 4, mirror: true);

        CollectionAssert.AreEqual(new[] { 3f, 2f, 1f, 0f }, mirrored[..4]);
        CollectionAssert.AreEqual(new[] { 51f, 50f, 49f, 48f }, mirrored[12..]);
    }

    [TestMethod]
    public void A_region_resizes_only_that_rectangle()
    {
        // The bottom-right 2×2 block at its own size.
        var crop = ImageSamples.Resize(Ramp, 4, 1, new ImageSamples.Region(2, 2, 2, 2), 2, 2, mirror: false);

        CollectionAssert.AreEqual(new[] { 34f, 35f, 50f, 51f }, crop);
    }

    [TestMethod]
    public void Channels_are_resized_independently()
    {
        // Two pixels, red then green, stretched to four: each channel interpolates on its own.
        byte[] pixels = [200, 0, 0, 0, 200, 0];

        var wide = ImageSamples.Resize(pixels, 1, 2, 3, 1, 4);

        CollectionAssert.AreEqual(new[] { 200f, 150f, 50f, 0f }, Enumerable.Range(0, 4).Select(i => wide[3 * i]).ToArray(), "red");
        CollectionAssert.AreEqual(new[] { 0f, 50f, 150f, 200f }, Enumerable.Range(0, 4).Select(i => wide[3 * i + 1]).ToArray(), "green");
    }
}
