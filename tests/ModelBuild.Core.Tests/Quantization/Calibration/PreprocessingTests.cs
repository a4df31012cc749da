using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Quantization.Calibration;

namespace ModelBuild.Core.Tests.Quantization.Calibration;

/// <summary>keras.applications' preprocessing modes on pixels whose results are worked out by hand.</summary>
[TestClass]
public sealed class PreprocessingTests
{
    private static float[] Applied(Preprocessing mode, int channels, params float[] pixels)
    {
        PreprocessingModes.Apply(pixels, channels, mode);
        return pixels;
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.HasCount(expected.Length, actual);
        for (int i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], actual[i], 1e-4f, $"value {i}");
    }

    [TestMethod]
    public void None_leaves_pixels_as_they_are() => AssertClose([255f, 0f, 127.5f], Applied(Preprocessing.None, 3, 255f, 0f, 127.5f));

    [TestMethod]
    public void Unit_divides_by_255() => AssertClose([1f, 0f, 0.5f], Applied(Preprocessing.Unit, 3, 255f, 0f, 127.5f));

    [TestMethod]
    public void Tf_maps_0_to_255_onto_minus_one_to_one() => AssertClose([1f, -1f, 0f], Applied(Preprocessing.Tf, 3, 255f, 0f, 127.5f));

    [TestMethod]
    public void Caffe_swaps_RGB_to_BGR_and_subtracts_the_ImageNet_mean() =>
        AssertClose([30f - 103.939f, 20f - 116.779f, 10f - 123.68f, 0f - 103.939f, 0f - 116.779f, 255f - 123.68f],
            Applied(Preprocessing.Caffe, 3, 10f, 20f, 30f, 255f, 0f, 0f));

    [TestMethod]
    public void Caffe_on_grey_pixels_subtracts_the_green_mean() =>
        AssertClose([100f - 116.779f, 0f - 116.779f], Applied(Preprocessing.Caffe, 1, 100f, 0f));

    [TestMethod]
    public void Torch_scales_to_unit_and_normalizes_each_channel_by_the_ImageNet_mean_and_std() =>
        AssertClose([(1f - 0.485f) / 0.229f, (0f - 0.456f) / 0.224f, (0.5f - 0.406f) / 0.225f],
            Applied(Preprocessing.Torch, 3, 255f, 0f, 127.5f));

    [TestMethod]
    public void Torch_on_grey_pixels_uses_the_green_mean_and_std() =>
        AssertClose([(1f - 0.456f) / 0.224f], Applied(Preprocessing.Torch, 1, 255f));

    [TestMethod]
    [DataRow(null, Preprocessing.None)]
    [DataRow("", Preprocessing.None)]
    [DataRow("none", Preprocessing.None)]
    [DataRow(" Unit ", Preprocessing.Unit)]
    [DataRow("TF", Preprocessing.Tf)]
    [DataRow("caffe", Preprocessing.Caffe)]
    [DataRow("Torch", Preprocessing.Torch)]
    public void Mode_names_parse_in_any_case(string? text, Preprocessing expected) =>
        Assert.AreEqual(expected, PreprocessingModes.Parse(text));

    [TestMethod]
    public void An_unknown_mode_is_MB3051_naming_the_file()
    {
        var e = Assert.ThrowsExactly<ModelBuildException>(() => PreprocessingModes.Parse("imagenet", "model.h5"));

        Assert.AreEqual("MB3051", e.Code);
        Assert.AreEqual("model.h5", e.File);
    }
}
