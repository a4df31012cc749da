using ModelBuild.Core.Synthesis;
using ModelBuild.Core.Tests.Layout;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Synthesis.Architectures;

/// <summary>MobileNetV2 at keras.applications' size: padding, activations and residual adds as keras.applications builds them.</summary>
[TestClass]
public sealed class MobileNetV2Tests
{
    private static readonly SynthOptions Quick = new() { CalibrationSize = 64 };
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("synth-mobilenetv2");

    [ClassCleanup]
    public static void Cleanup() => ResidualArtifacts.DeleteScratch(_dir);

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
