using ModelBuild.Core.Keras;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Keras;

/// <summary>The byte count an HDF5 superblock declares, against real models' actual sizes, cut-off copies and other files.</summary>
[TestClass]
public sealed class Hdf5TruncationTests
{
    private static long? Declared(byte[] bytes) => Hdf5Truncation.DeclaredLength(new MemoryStream(bytes));

    [TestMethod]
    [DataRow("01_st_mobilenet_v2_0.35_224_food101_k2.8.h5")]
    [DataRow("03_mlperf_tiny_resnet8_cifar10_k2.4.h5")]
    [DataRow("05_mini_xception_fer2013_sepconv_add_k2.0.5.hdf5")]
    [DataRow("07_keras3.4.1_cifar10_cnn.h5")]
    public void Real_model_declares_its_own_length(string file)
    {
        var bytes = File.ReadAllBytes(RepoPaths.KerasModel(file));
        Assert.AreEqual(bytes.LongLength, Declared(bytes));
    }

    [TestMethod]
    public void Truncated_copy_declares_more_than_it_has()
    {
        var bytes = File.ReadAllBytes(RepoPaths.KerasModel("03_mlperf_tiny_resnet8_cifar10_k2.4.h5"));
        var cut = bytes[..(bytes.Length / 2)];

        Assert.AreEqual(bytes.LongLength, Declared(cut));
    }

    [TestMethod]
    public void Superblock_after_a_512_byte_user_block_is_found()
    {
        var bytes = File.ReadAllBytes(RepoPaths.KerasModel("03_mlperf_tiny_resnet8_cifar10_k2.4.h5"));
        var withUserBlock = new byte[512].Concat(bytes).ToArray();

        Assert.AreEqual(bytes.LongLength, Declared(withUserBlock), "addresses count from the superblock's base address, not the file start");
    }

    [TestMethod]
    public void A_file_without_a_superblock_declares_nothing()
    {
        Assert.IsNull(Declared(new byte[4096]));
        Assert.IsNull(Declared(File.ReadAllBytes(RepoPaths.KerasModel("14_keras3.13_potato_cnn_nested_augmentation.keras"))));
    }

    [TestMethod]
    public void A_file_shorter_than_a_superblock_declares_nothing()
    {
        Assert.IsNull(Declared([0x89, (byte)'H', (byte)'D', (byte)'F']));
    }
}
