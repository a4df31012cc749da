using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Synthesis;
using ModelBuild.Core.Tests.Layout;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Synthesis;

/// <summary>
/// Every architecture at keras.applications' size (224×224×3, 1000 classes) against keras.applications' own
/// figures: parameter count, number of layers, names and shapes; read back with the KerasModelReader (ResNet101:
/// <see cref="SynthesizedResNet101Tests"/>). The statistics pass runs small (64×64) here to keep the suite quick;
/// it does not change names, shapes or counts.
/// </summary>
[TestClass]
public sealed class SynthesizedArchitectureTests
{
    private static readonly SynthOptions Quick = new() { CalibrationSize = 64 };
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("synth-architectures");

    [ClassCleanup]
    public static void Cleanup() => ResidualArtifacts.DeleteScratch(_dir);

    [TestMethod]
    [DataRow(SynthArchitecture.ResNet50, "resnet50", 25_636_712L, 177, "conv4_block4_out", new[] { 1, 14, 14, 1024 })]
    [DataRow(SynthArchitecture.ResNet152, "resnet152", 60_419_944L, 517, "conv4_block36_out", new[] { 1, 14, 14, 1024 })]
    [DataRow(SynthArchitecture.MobileNetV2, "mobilenetv2_1.00_224", 3_538_984L, 156, "block_13_expand_relu", new[] { 1, 14, 14, 576 })]
    public void Reads_back_with_the_keras_applications_parameter_count_names_and_shapes(
        SynthArchitecture arch, string modelName, long parameters, int layers, string someTensor, int[] itsShape)
    {
        var file = Path.Combine(_dir, arch + ".h5");
        KerasModelSynthesizer.Write(file, arch, seed: 5, Quick);

        Assert.AreEqual(parameters, KerasFileContents.CountParameters(file), "every weight in model_weights, moving statistics included, as model.count_params()");
        var config = KerasFileContents.ModelConfig(file);
        Assert.AreEqual("Functional", config["class_name"]!.GetValue<string>());
        Assert.AreEqual(modelName, config["config"]!["name"]!.GetValue<string>());
        Assert.HasCount(layers, config["config"]!["layers"]!.AsArray(), "len(model.layers)");

        var graph = KerasModelReader.Read(file);
        Assert.AreEqual(modelName, graph.Name);
        CollectionAssert.AreEqual(new[] { 1, 224, 224, 3 }, graph.Inputs[0].Shape);
        CollectionAssert.AreEqual(new[] { 1, 1000 }, graph.Outputs[0].Shape);
        Assert.AreEqual(OpType.Softmax, graph.Nodes[^1].Op);
        CollectionAssert.AreEqual(itsShape, graph.FindTensor(someTensor).Shape, someTensor);
    }

    [TestMethod]
    public void ResNet_layers_are_listed_in_keras_model_layers_order()
    {
        var file = Path.Combine(_dir, "order.h5");
        KerasModelSynthesizer.Write(file, SynthArchitecture.ResNet50, seed: 1, Quick with { InputSize = 64 });
        var names = KerasFileContents.LayerNames(file);

        // As resnet50.summary() lists them: the shortcut branch sits at the depth of the residual branch's last layers.
        CollectionAssert.AreEqual(
            new[]
            {
                "input_1", "conv1_pad", "conv1_conv", "conv1_bn", "conv1_relu", "pool1_pad", "pool1_pool",
                "conv2_block1_1_conv", "conv2_block1_1_bn", "conv2_block1_1_relu", "conv2_block1_2_conv", "conv2_block1_2_bn",
                "conv2_block1_2_relu", "conv2_block1_0_conv", "conv2_block1_3_conv", "conv2_block1_0_bn", "conv2_block1_3_bn",
                "conv2_block1_add", "conv2_block1_out", "conv2_block2_1_conv",
            },
            names.Take(20).ToArray());
        CollectionAssert.AreEqual(new[] { "conv5_block3_add", "conv5_block3_out", "avg_pool", "predictions" }, names.TakeLast(4).ToArray());
    }

    [TestMethod]
    public void MobileNetV2_has_keras_applications_padding_activations_and_residual_adds()
    {
        var file = Path.Combine(_dir, "mobilenet.h5");
        KerasModelSynthesizer.Write(file, SynthArchitecture.MobileNetV2, seed: 1, Quick);
        var layers = KerasFileContents.Layers(file).Select(l => l!.AsObject()).ToDictionary(l => l["name"]!.GetValue<string>());

        foreach (var pad in new[] { "block_1_pad", "block_3_pad", "block_6_pad", "block_13_pad" })
            Assert.AreEqual("[[0,1],[0,1]]", layers[pad]["config"]!["padding"]!.ToJsonString(), pad);
        Assert.AreEqual("valid", layers["block_13_depthwise"]["config"]!["padding"]!.GetValue<string>());
        Assert.AreEqual("same", layers["block_14_depthwise"]["config"]!["padding"]!.GetValue<string>());
        Assert.AreEqual(6.0, layers["out_relu"]["config"]!["max_value"]!.GetValue<double>());
        Assert.AreEqual("ReLU", layers["expanded_conv_depthwise_relu"]["class_name"]!.GetValue<string>());
        Assert.AreEqual(0.001, layers["bn_Conv1"]["config"]!["epsilon"]!.GetValue<double>());
        Assert.AreEqual(0.999, layers["bn_Conv1"]["config"]!["momentum"]!.GetValue<double>());
        var adds = layers.Keys.Where(n => n.EndsWith("_add", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
        CollectionAssert.AreEqual(
            new[] { 2, 4, 5, 7, 8, 9, 11, 12, 14, 15 }.Select(i => $"block_{i}_add").Order(StringComparer.Ordinal).ToArray(), adds);
        Assert.AreEqual("[[[\"block_1_project_BN\",0,0,{}],[\"block_2_project_BN\",0,0,{}]]]", layers["block_2_add"]["inbound_nodes"]!.ToJsonString());
        Assert.IsFalse(layers.ContainsKey("Conv1_pad"), "Keras 2 MobileNetV2 pads Conv1 itself ('same')");
    }
}
