using ModelBuild.Core.Graph;
using ModelBuild.Core.Synthesis;
using ModelBuild.Core.Synthesis.Layers;
using ModelBuild.Core.Tests.Layout;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.TestGraphs.SynthLayerTestGraphs;

namespace ModelBuild.Core.Tests.Synthesis.Layers;

/// <summary>A synthesized Dense (softmax) classifier, read back by our reader; its configs against real Keras files.</summary>
[TestClass]
public sealed class DenseLayerTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("synth-dense");

    [ClassCleanup]
    public static void Cleanup() => ResidualArtifacts.DeleteScratch(_dir);

    private static SynthModel Classifier(string name, System.Text.Json.Nodes.JsonObject? kernelInitializer = null) =>
        Model(name, 3, 4, x => new DenseLayer("predictions", new GlobalAveragePooling2DLayer("pool", x), units: 7, kernelInitializer));

    [TestMethod]
    [DataRow(SynthFileFormat.KerasH5)]
    [DataRow(SynthFileFormat.KerasArchive)]
    public void Reads_back_as_fully_connected_then_softmax_and_computes_as_synthesized(SynthFileFormat format)
    {
        var model = Classifier("dense_" + format);
        var graph = AssertReadBackComputesAsSynthesized(model, Write(model, format, _dir));

        CollectionAssert.AreEqual(new[] { OpType.FullyConnected, OpType.Softmax }, graph.Nodes.TakeLast(2).Select(n => n.Op).ToArray());
        Assert.AreEqual(1f, model.Run(Images(1, 3, 4, seed: 3)).Data.Sum(), 1e-5, "softmax outputs sum to one");
    }

    [TestMethod]
    public void Weights_are_a_units_by_inputs_kernel_and_a_bias()
    {
        var dense = (DenseLayer)Classifier("dense_weights").Output;

        CollectionAssert.AreEqual(new[] { "kernel", "bias" }, dense.Weights.Select(w => w.Name).ToArray());
        CollectionAssert.AreEqual(new[] { 4, 7 }, dense.Weights[0].Shape, "Keras' [inputs, units]");
        Assert.IsTrue(dense.Weights[1].Values.Any(b => b != 0), "a drawn bias");
    }

    [TestMethod]
    public void Kernel_initializer_given_is_written_in_the_config()
    {
        var initializer = new System.Text.Json.Nodes.JsonObject { ["class_name"] = "VarianceScaling", ["config"] = new System.Text.Json.Nodes.JsonObject { ["scale"] = 1.0 / 3.0 } };
        var config = LayerEntry(Write(Classifier("dense_initializer", initializer), SynthFileFormat.KerasH5, _dir), "predictions")["config"]!;

        Assert.AreEqual("VarianceScaling", config["kernel_initializer"]!["class_name"]!.GetValue<string>());
    }

    [TestMethod]
    public void Keras2_config_has_the_keys_keras_2_8_writes() =>
        AssertKeysAsInRealFile(Write(Classifier("dense_keys2"), SynthFileFormat.KerasH5, _dir), "predictions", "01_st_mobilenet_v2_0.35_224_food101_k2.8.h5");

    [TestMethod]
    public void Keras3_config_has_the_keys_keras_3_13_writes() =>
        AssertKeysAsInRealFile(Write(Classifier("dense_keys3"), SynthFileFormat.KerasArchive, _dir), "predictions", "14_keras3.13_potato_cnn_nested_augmentation.keras");
}
