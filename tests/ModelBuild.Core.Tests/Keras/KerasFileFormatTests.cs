using ModelBuild.Core.Keras;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Keras;

/// <summary>A .keras zip told from an .h5 by the first bytes, not by the name: on the real shared models and on renamed and made-up files.</summary>
[TestClass]
public sealed class KerasFileFormatTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("keras-file-format");

    private static string WriteBytes(string name, params byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [TestMethod]
    [DataRow("14_keras3.13_potato_cnn_nested_augmentation.keras", true)]
    [DataRow("15_keras3.10_potato_cnn_nested_resizing_rescaling_augmentation.keras", true)]
    [DataRow("01_st_mobilenet_v2_0.35_224_food101_k2.8.h5", false)]
    [DataRow("07_keras3.4.1_cifar10_cnn.h5", false)]
    [DataRow("05_mini_xception_fer2013_sepconv_add_k2.0.5.hdf5", false)]
    public void Real_models_are_told_apart(string file, bool isZip)
    {
        Assert.AreEqual(isZip, KerasFileFormat.IsZip(RepoPaths.KerasModel(file)));
    }

    [TestMethod]
    public void An_h5_named_keras_is_not_a_zip()
    {
        var renamed = Path.Combine(_dir, "model.keras");
        File.Copy(RepoPaths.KerasModel("03_mlperf_tiny_resnet8_cifar10_k2.4.h5"), renamed);
        Assert.IsFalse(KerasFileFormat.IsZip(renamed));
    }

    [TestMethod]
    public void An_empty_zip_is_a_zip()
    {
        Assert.IsTrue(KerasFileFormat.IsZip(WriteBytes("empty.keras", (byte)'P', (byte)'K', 5, 6, 0, 0)));
    }

    [TestMethod]
    public void Another_pk_signature_is_not_a_zip_with_entries()
    {
        Assert.IsFalse(KerasFileFormat.IsZip(WriteBytes("spanned.keras", (byte)'P', (byte)'K', 7, 8)));
    }

    [TestMethod]
    public void A_file_shorter_than_the_signature_is_not_a_zip()
    {
        Assert.IsFalse(KerasFileFormat.IsZip(WriteBytes("short.keras", (byte)'P', (byte)'K', 3)));
    }

    [TestMethod]
    public void A_missing_file_is_not_a_zip()
    {
        Assert.IsFalse(KerasFileFormat.IsZip(Path.Combine(_dir, "missing.keras")));
    }
}
