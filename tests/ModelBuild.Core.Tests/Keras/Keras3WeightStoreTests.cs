using System.Text.Json.Nodes;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Tests.Synthesis;
using ModelBuild.TestSupport;
using PureHDF;

namespace ModelBuild.Core.Tests.Keras;

/// <summary>
/// The weights of a .keras archive's model.weights.h5, by saving path and position: on the real Keras 3.13 model 14,
/// and on small weight files for what a real model does not show.
/// </summary>
[TestClass]
public sealed class Keras3WeightStoreTests
{
    private static readonly string Real = RepoPaths.KerasModel("14_keras3.13_potato_cnn_nested_augmentation.keras");

    private static KerasConfig NoConfig => new([]);

    /// <summary>The short names and shapes of one layer's weights.</summary>
    private static List<(string Name, ulong[] Shape)> WeightsOf(byte[] weightsFile, KerasLayerPath path, string className, KerasConfig config)
    {
        using var h5 = H5File.Open(new MemoryStream(weightsFile));
        return new Keras3WeightStore("model.keras", h5).WeightsOf(path, className, config).Select(w => (w.ShortName, w.Dataset.Space.Dimensions)).ToList();
    }

    private static byte[] RealWeights => KerasArchiveContents.Entry(Real, KerasArchive.WeightsEntry);

    [TestMethod]
    public void Real_conv2d_weights_are_kernel_then_bias_by_position()
    {
        var weights = WeightsOf(RealWeights, KerasLayerPath.Root.Child("conv2d", "conv2d"), "Conv2D", NoConfig);

        CollectionAssert.AreEqual(new[] { "kernel", "bias" }, weights.Select(w => w.Name).ToArray());
        CollectionAssert.AreEqual(new ulong[] { 3, 3, 3, 32 }, weights[0].Shape, "3×3 over RGB, 32 filters, as config.json says");
    }

    [TestMethod]
    public void Real_batch_norm_weights_are_gamma_beta_and_the_moving_statistics()
    {
        var weights = WeightsOf(RealWeights, KerasLayerPath.Root.Child("batch_normalization_1", "batch_normalization_1"), "BatchNormalization", new KerasConfig(new JsonObject()));

        CollectionAssert.AreEqual(new[] { "gamma", "beta", "moving_mean", "moving_variance" }, weights.Select(w => w.Name).ToArray());
    }

    [TestMethod]
    public void Real_weights_read_as_the_float32_the_dataset_holds()
    {
        using var h5 = H5File.Open(new MemoryStream(RealWeights));
        var store = new Keras3WeightStore("model.keras", h5);
        var kernel = store.WeightsOf(KerasLayerPath.Root.Child("conv2d", "conv2d"), "Conv2D", NoConfig)[0].Dataset;

        CollectionAssert.AreEqual(kernel.Read<float[]>(), store.Read(kernel, "conv2d", "Conv2D"));
    }

    [TestMethod]
    public void Layer_without_a_vars_group_has_no_weights()
    {
        Assert.IsEmpty(WeightsOf(RealWeights, KerasLayerPath.Root.Child("nothing", "no_such_key"), "Dense", NoConfig));
    }

    [TestMethod]
    public void Nested_layer_weights_are_under_each_enclosing_layers_key()
    {
        var file = KerasArchiveTestModel.WeightsFile([("layers/functional/layers/dense/vars", [KerasArchiveTestModel.Random(1, 2, 3), KerasArchiveTestModel.Random(2, 3)])]);
        var path = KerasLayerPath.Root.Child("inner_model", "functional").Child("head", "dense");

        CollectionAssert.AreEqual(new[] { "kernel", "bias" }, WeightsOf(file, path, "Dense", NoConfig).Select(w => w.Name).ToArray());
    }

    [TestMethod]
    public void Variables_past_the_known_names_are_named_by_position()
    {
        var file = KerasArchiveTestModel.WeightsFile([("layers/dense/vars", [KerasArchiveTestModel.Random(1, 2, 3), KerasArchiveTestModel.Random(2, 3), KerasArchiveTestModel.Random(3, 1)])]);

        CollectionAssert.AreEqual(new[] { "kernel", "bias", "var2" }, WeightsOf(file, KerasLayerPath.Root.Child("dense", "dense"), "Dense", NoConfig).Select(w => w.Name).ToArray());
    }
}
