using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Keras;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.Keras.KerasTestModel;

namespace ModelBuild.Core.Tests.Keras;

/// <summary>A layer's weights looked up by short name: missing ones (MB1005) and wrong shapes (MB1006) named with the layer; per-channel weights of any broadcastable shape.</summary>
[TestClass]
public sealed class LayerWeightsTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("layer-weights");

    private static ModelBuildException ReadFails(string path, string code)
    {
        var e = Assert.ThrowsExactly<ModelBuildException>(() => KerasModelReader.Read(path));
        Assert.AreEqual(code, e.Code, e.ToString());
        Assert.AreEqual(path, e.File);
        return e;
    }

    /// <summary>Input 4 → Dense(3).</summary>
    private static KerasTestModel DenseModel() => new KerasTestModel()
        .Input("x", 4)
        .Layer("Dense", "dense_1", Cfg(("units", 3), ("activation", "linear"), ("use_bias", true)), "x");

    /// <summary>Input 1×1×3 → Normalization from its mean and variance weights.</summary>
    private static KerasTestModel NormalizationModel() => new KerasTestModel()
        .Input("x", 1, 1, 3)
        .Layer("Normalization", "norm", Cfg(("axis", -1)), "x");

    [TestMethod]
    public void Layer_without_weights_is_MB1005_naming_layer_and_class()
    {
        var path = DenseModel().Write(Path.Combine(_dir, "no_weights.h5"), "dense_1");
        var e = ReadFails(path, "MB1005");
        StringAssert.Contains(e.Message, "'dense_1' (Dense)");
        StringAssert.Contains(e.Message, "'kernel' is missing (found: none)");
    }

    [TestMethod]
    public void Layer_with_only_some_weights_is_MB1005_listing_what_was_found()
    {
        var path = DenseModel().Weight("dense_1", "kernel", 4, 3).Write(Path.Combine(_dir, "no_bias.h5"), "dense_1");
        var e = ReadFails(path, "MB1005");
        StringAssert.Contains(e.Message, "'bias' is missing (found: kernel)");
    }

    [TestMethod]
    public void Weight_of_wrong_shape_is_MB1006_with_both_shapes()
    {
        var path = DenseModel().Weight("dense_1", "kernel", 5, 3).Weight("dense_1", "bias", 3).Write(Path.Combine(_dir, "wrong_shape.h5"), "dense_1");
        var e = ReadFails(path, "MB1006");
        StringAssert.Contains(e.Message, "'dense_1' (Dense)");
        StringAssert.Contains(e.Message, "[5, 3]");
        StringAssert.Contains(e.Message, "[4, 3]");
    }

    [TestMethod]
    public void Per_channel_weight_stored_with_leading_ones_reads_as_the_channels()
    {
        var path = NormalizationModel()
            .Weight("norm", "mean", [1, 1, 1, 3], [1, 2, 3])
            .Weight("norm", "variance", [1, 1, 1, 3], [4, 1, 0.25f])
            .Write(Path.Combine(_dir, "broadcast_shape.h5"), "norm");
        AssertClose([1, 1, 2], Run(KerasModelReader.Read(path), [3, 3, 4]), "(3-1)/2, (3-2)/1, (4-3)/0.5");
    }

    [TestMethod]
    public void Per_channel_weight_of_one_value_applies_to_every_channel()
    {
        var path = NormalizationModel()
            .Weight("norm", "mean", [1], [1])
            .Weight("norm", "variance", [1], [4])
            .Write(Path.Combine(_dir, "scalar.h5"), "norm");
        AssertClose([1, 0, -1], Run(KerasModelReader.Read(path), [3, 1, -1]), "(x - 1) / 2");
    }

    [TestMethod]
    public void Per_channel_weight_of_another_count_is_MB1006()
    {
        var path = NormalizationModel()
            .Weight("norm", "mean", [2], [1, 2])
            .Weight("norm", "variance", [3], [1, 1, 1])
            .Write(Path.Combine(_dir, "wrong_count.h5"), "norm");
        var e = ReadFails(path, "MB1006");
        StringAssert.Contains(e.Message, "'mean' has shape [2] but the layer's config needs [3]");
    }
}
