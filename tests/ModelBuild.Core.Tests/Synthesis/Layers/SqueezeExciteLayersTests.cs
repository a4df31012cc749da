using ModelBuild.Core.Graph;
using ModelBuild.Core.Synthesis;
using ModelBuild.Core.Synthesis.Layers;
using ModelBuild.Core.Tests.Layout;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.TestGraphs.SynthLayerTestGraphs;

namespace ModelBuild.Core.Tests.Synthesis.Layers;

/// <summary>
/// The squeeze-excite layers (Reshape to one pixel, Multiply by a broadcast gate) and Dropout, read back by our
/// reader; their configs against real Keras files.
/// </summary>
[TestClass]
public sealed class SqueezeExciteLayersTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("synth-squeeze-excite");

    [ClassCleanup]
    public static void Cleanup() => ResidualArtifacts.DeleteScratch(_dir);

    /// <summary>x · sigmoid(conv(reshape(mean(x)))): EfficientNet's squeeze-excite on a small map.</summary>
    private static SynthModel SqueezeExcite(string name) => Model(name, 5, 4, x =>
    {
        var squeeze = new ReshapeToPixelLayer("se_reshape", new GlobalAveragePooling2DLayer("se_squeeze", x));
        var gate = new Conv2DLayer("se_excite", squeeze, filters: 4, kernel: 1, same: true, activation: SynthActivation.Sigmoid);
        return new MultiplyLayer("se_mul", x, gate);
    });

    [TestMethod]
    [DataRow(SynthFileFormat.KerasH5)]
    [DataRow(SynthFileFormat.KerasArchive)]
    public void Squeeze_excite_reads_back_and_multiplies_every_pixel_by_the_gate(SynthFileFormat format)
    {
        var model = SqueezeExcite("se_" + format);
        var graph = AssertReadBackComputesAsSynthesized(model, Write(model, format, _dir));

        CollectionAssert.AreEqual(new[] { 1, 1, 1, 4 }, graph.FindTensor("se_reshape").Shape);
        Assert.AreEqual(OpType.Mul, graph.Nodes[^1].Op);
    }

    [TestMethod]
    public void Reshape_config_targets_one_pixel_of_the_channels()
    {
        var target = LayerEntry(Write(SqueezeExcite("se_target"), SynthFileFormat.KerasH5, _dir), "se_reshape")["config"]!["target_shape"]!;
        Assert.AreEqual("[1,1,4]", target.ToJsonString());
    }

    [TestMethod]
    public void Multiply_of_two_maps_of_one_size_multiplies_elementwise()
    {
        var model = Model("multiply_full", 3, 2, x => new MultiplyLayer("mul", x, new ReluActivationLayer("relu", x)));
        AssertReadBackComputesAsSynthesized(model, Write(model, SynthFileFormat.KerasH5, _dir));

        var image = Images(1, 3, 2, seed: 6);
        Assert.AreEqual(image.Data[0] * Math.Max(image.Data[0], 0), model.Run(image).Data[0]);
    }

    [TestMethod]
    [DataRow(SynthFileFormat.KerasH5)]
    [DataRow(SynthFileFormat.KerasArchive)]
    public void Dropout_reads_back_as_the_identity(SynthFileFormat format)
    {
        var model = Model("dropout_" + format, 3, 2, x => new DropoutLayer("drop", new ReluActivationLayer("relu", x), 0.2, perSample: true));
        var graph = AssertReadBackComputesAsSynthesized(model, Write(model, format, _dir));

        Assert.IsFalse(graph.Nodes.Any(n => n.SourceLayer == "drop" && n.Op != OpType.Reshape), "no computing op for the dropout");
    }

    [TestMethod]
    public void Dropout_per_sample_writes_its_noise_shape_and_keras3_puts_seed_first()
    {
        var model = Model("dropout_noise", 3, 2, x => new DropoutLayer("drop", x, 0.2, perSample: true));
        var keras2 = LayerEntry(Write(model, SynthFileFormat.KerasH5, _dir), "drop");
        var keras3 = LayerEntry(Write(model, SynthFileFormat.KerasArchive, _dir), "drop");

        Assert.AreEqual("[null,1,1,1]", keras2["config"]!["noise_shape"]!.ToJsonString());
        CollectionAssert.AreEqual(new[] { "rate", "noise_shape", "seed" }, Keys(keras2["config"]).TakeLast(3).ToArray());
        CollectionAssert.AreEqual(new[] { "rate", "seed", "noise_shape" }, Keys(keras3["config"]).TakeLast(3).ToArray());
        Assert.IsFalse(keras3["inbound_nodes"]![0]!["kwargs"]!["training"]!.GetValue<bool>());
    }

    [TestMethod]
    public void Reshape_config_has_the_keys_keras_2_8_writes() =>
        AssertKeysAsInRealFile(Write(SqueezeExcite("se_keys"), SynthFileFormat.KerasH5, _dir), "se_reshape", "02_keras_apps_mobilenet_v1_0.25_224_imagenet_k2.8.h5");

    [TestMethod]
    public void Dropout_configs_have_the_keys_keras_2_8_and_3_13_write()
    {
        var model = Model("dropout_keys", 3, 2, x => new DropoutLayer("drop", x, 0.2));
        AssertKeysAsInRealFile(Write(model, SynthFileFormat.KerasH5, _dir), "drop", "01_st_mobilenet_v2_0.35_224_food101_k2.8.h5");
        AssertKeysAsInRealFile(Write(model, SynthFileFormat.KerasArchive, _dir), "drop", "14_keras3.13_potato_cnn_nested_augmentation.keras");
    }
}
