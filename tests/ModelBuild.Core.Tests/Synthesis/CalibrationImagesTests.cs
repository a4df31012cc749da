using ModelBuild.Core.Synthesis;
using ModelBuild.Core.Synthesis.Layers;

namespace ModelBuild.Core.Tests.Synthesis;

/// <summary>The statistics pass's random images (smooth fields and noise, by turns) and keras.applications' preprocess_input modes.</summary>
[TestClass]
public sealed class CalibrationImagesTests
{
    private static FeatureMap Raw(int count, int seed) => CalibrationImages.Make(count, 32, seed, CalibrationImages.Raw);

    [TestMethod]
    public void One_seed_gives_the_same_images_and_another_seed_others()
    {
        CollectionAssert.AreEqual(Raw(2, 1).Data, Raw(2, 1).Data);
        CollectionAssert.AreNotEqual(Raw(2, 1).Data, Raw(2, 2).Data);
    }

    [TestMethod]
    public void Raw_pixels_lie_in_0_to_255_and_span_most_of_it()
    {
        var images = Raw(4, 3);

        Assert.AreEqual((4, 32, 32, 3), (images.Batch, images.H, images.W, images.C));
        Assert.IsTrue(images.Data.All(v => v is >= 0 and <= 255));
        Assert.IsLessThan(20f, images.Data.Min());
        Assert.IsGreaterThan(235f, images.Data.Max());
    }

    [TestMethod]
    public void Even_images_are_smooth_and_odd_images_are_noise()
    {
        var images = Raw(2, 4);
        double Roughness(int n) =>
            Enumerable.Range(0, 32 * 31 * 3).Average(i =>
            {
                int at = n * 32 * 32 * 3 + i;
                return Math.Abs(images.Data[at + 3] - images.Data[at]);
            });

        Assert.IsLessThan(40.0, Roughness(0), "neighbours of a smooth field differ by a quarter grid step (85 / 4) and the ±16 pixel noise");
        Assert.IsGreaterThan(60.0, Roughness(1), "white noise in 0..255: neighbours differ by 85 on average");
    }

    [TestMethod]
    public void Make_applies_the_preprocessing_to_every_pixel()
    {
        var raw = Raw(2, 5).Data;
        var tf = CalibrationImages.Make(2, 32, 5, CalibrationImages.Tf).Data;

        CollectionAssert.AreEqual(raw.Select(v => v / 127.5f - 1f).ToArray(), tf);
    }

    [TestMethod]
    public void Caffe_turns_rgb_into_bgr_minus_the_imagenet_means()
    {
        var pixel = new[] { 10f, 20f, 30f };
        CalibrationImages.Caffe(pixel);

        CollectionAssert.AreEqual(new[] { 30f - 103.939f, 20f - 116.779f, 10f - 123.68f }, pixel);
    }

    [TestMethod]
    public void Tf_maps_0_to_255_onto_minus_one_to_one()
    {
        var pixel = new[] { 0f, 127.5f, 255f };
        CalibrationImages.Tf(pixel);

        CollectionAssert.AreEqual(new[] { -1f, 0f, 1f }, pixel);
    }

    [TestMethod]
    public void Torch_scales_to_one_then_standardises_each_channel()
    {
        var pixel = new[] { 255f * 0.485f, 255f, 0f };
        CalibrationImages.Torch(pixel);

        Assert.AreEqual(0f, pixel[0], 1e-5, "the red mean maps to 0");
        Assert.AreEqual((1f - 0.456f) / 0.224f, pixel[1], 1e-5);
        Assert.AreEqual(-0.406f / 0.225f, pixel[2], 1e-5);
    }
}
