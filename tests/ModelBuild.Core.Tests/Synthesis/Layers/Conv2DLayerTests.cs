using ModelBuild.Core.Graph;
using ModelBuild.Core.Synthesis;
using ModelBuild.Core.Synthesis.Layers;
using ModelBuild.Core.Tests.Layout;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.TestGraphs.SynthLayerTestGraphs;

namespace ModelBuild.Core.Tests.Synthesis.Layers;

/// <summary>Synthesized Conv2D layers, written as .h5 and .keras and read back by our reader; their configs against real Keras files.</summary>
[TestClass]
public sealed class Conv2DLayerTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("synth-conv2d");

    [ClassCleanup]
    public static void Cleanup() => ResidualArtifacts.DeleteScratch(_dir);

    [TestMethod]
    [DataRow(SynthFileFormat.KerasH5)]
    [DataRow(SynthFileFormat.KerasArchive)]
    public void Same_padded_strided_conv_reads_back_with_its_stride_and_computes_as_synthesized(SynthFileFormat format)
    {
        var model = Model("conv_same", 8, 3, x => new Conv2DLayer("conv", x, filters: 8, kernel: 3, stride: 2, same: true));
        var graph = AssertReadBackComputesAsSynthesized(model, Write(model, format, _dir));

        var conv = graph.Nodes.Single(n => n.Op == OpType.Conv2D);
        var options = (Conv2DOptions)conv.Options!;
        Assert.AreEqual((2, 2), (options.StrideH, options.StrideW));
        Assert.AreEqual(Padding.Same, options.Padding);
        CollectionAssert.AreEqual(new[] { 1, 4, 4, 8 }, conv.Outputs[0].Shape, "ceil(8 / 2), one padded row and column: at the bottom and right, as TensorFlow pads");
    }

    [TestMethod]
    [DataRow(SynthFileFormat.KerasH5)]
    [DataRow(SynthFileFormat.KerasArchive)]
    public void Rectangular_valid_conv_without_bias_reads_back_without_a_bias(SynthFileFormat format)
    {
        var layer = (Conv2DLayer?)null;
        var model = Model("conv_rect", 7, 4, x => layer = new Conv2DLayer("conv", x, filters: 5, kernel: (1, 3), useBias: false));
        var graph = AssertReadBackComputesAsSynthesized(model, Write(model, format, _dir));

        CollectionAssert.AreEqual(new[] { "kernel" }, layer!.Weights.Select(w => w.Name).ToArray());
        CollectionAssert.AreEqual(new[] { 1, 3, 4, 5 }, layer.Weights[0].Shape, "Keras' HWIO kernel");
        var conv = graph.Nodes.Single(n => n.Op == OpType.Conv2D);
        Assert.IsTrue(conv.Inputs.Count < 3 || conv.Inputs[2] is null || conv.Inputs[2]!.FloatData.All(b => b == 0), "no bias, or a zero one");
        CollectionAssert.AreEqual(new[] { 1, 7, 5, 5 }, conv.Outputs[0].Shape, "valid: 7 - 3 + 1 columns");
    }

    [TestMethod]
    [DataRow("Swish", "swish")]
    [DataRow("Sigmoid", "sigmoid")]
    public void Fused_activation_is_named_in_the_config_and_applied_when_read_back(string activation, string kerasName)
    {
        var model = Model("conv_" + kerasName, 6, 3, x => new Conv2DLayer("conv", x, filters: 4, kernel: 1, activation: Enum.Parse<SynthActivation>(activation)));
        var file = Write(model, SynthFileFormat.KerasH5, _dir);

        Assert.AreEqual(kerasName, LayerEntry(file, "conv")["config"]!["activation"]!.GetValue<string>());
        AssertReadBackComputesAsSynthesized(model, file);
    }

    [TestMethod]
    public void Kernel_initializer_given_replaces_glorot_uniform_in_the_config()
    {
        var heNormal = new System.Text.Json.Nodes.JsonObject { ["class_name"] = "HeNormal", ["config"] = new System.Text.Json.Nodes.JsonObject { ["seed"] = null } };
        var model = Model("conv_he", 4, 3, x => new Conv2DLayer("conv", x, filters: 2, kernel: 1, kernelInitializer: heNormal));
        var config = LayerEntry(Write(model, SynthFileFormat.KerasH5, _dir), "conv")["config"]!;

        Assert.AreEqual("HeNormal", config["kernel_initializer"]!["class_name"]!.GetValue<string>());
    }

    [TestMethod]
    public void Keras2_config_has_the_keys_keras_2_8_writes()
    {
        var model = Model("conv_keys2", 4, 3, x => new Conv2DLayer("conv", x, filters: 2, kernel: 3, same: true));
        AssertKeysAsInRealFile(Write(model, SynthFileFormat.KerasH5, _dir), "conv", "01_st_mobilenet_v2_0.35_224_food101_k2.8.h5");
    }

    [TestMethod]
    public void Keras3_config_has_the_keys_keras_3_13_writes()
    {
        var model = Model("conv_keys3", 4, 3, x => new Conv2DLayer("conv", x, filters: 2, kernel: 3, same: true));
        AssertKeysAsInRealFile(Write(model, SynthFileFormat.KerasArchive, _dir), "conv", "14_keras3.13_potato_cnn_nested_augmentation.keras");
    }
}
