using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Synthesis;
using ModelBuild.Core.Tests.Layout;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Synthesis;

/// <summary>
/// The keras.applications families beyond ResNet and MobileNetV2 at their published size (224×224×3, 1000 classes):
/// model.count_params() as Keras publishes it, keras.applications' layer names in model.layers order, and a read-back
/// through our reader.
/// </summary>
[TestClass]
public sealed class SynthesizedApplicationFamiliesTests
{
    private static readonly SynthOptions Quick = new() { CalibrationSize = 32, CalibrationImages = 1 };
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("synth-families");

    [ClassCleanup]
    public static void Cleanup() => ResidualArtifacts.DeleteScratch(_dir);

    [TestMethod]
    public void EfficientNetB0_has_the_published_parameter_count_and_keras_applications_layers()
    {
        var file = Path.Combine(_dir, "efficientnetb0.h5");
        KerasModelSynthesizer.Write(file, SynthArchitecture.EfficientNetB0, seed: 3, Quick);

        Assert.AreEqual(5_330_571L, KerasFileContents.CountParameters(file), "EfficientNetB0: 5,330,571 parameters, Normalization's mean, variance and count included");
        var names = KerasFileContents.LayerNames(file);
        CollectionAssert.AreEqual(
            new[] { "input_1", "rescaling", "normalization", "stem_conv_pad", "stem_conv", "stem_bn", "stem_activation", "block1a_dwconv", "block1a_bn", "block1a_activation", "block1a_se_squeeze", "block1a_se_reshape", "block1a_se_reduce", "block1a_se_expand", "block1a_se_excite", "block1a_project_conv", "block1a_project_bn" },
            names.Take(17).ToArray());
        CollectionAssert.AreEqual(new[] { "top_conv", "top_bn", "top_activation", "avg_pool", "top_dropout", "predictions" }, names.TakeLast(6).ToArray());
        CollectionAssert.Contains(names, "block2b_drop");
        CollectionAssert.Contains(names, "block6d_add");
        CollectionAssert.DoesNotContain(names, "block2a_add", "a stage's first block changes size: no residual");

        var graph = KerasModelReader.Read(file);
        Assert.AreEqual("efficientnetb0", graph.Name);
        CollectionAssert.AreEqual(new[] { 1, 1000 }, graph.Outputs[0].Shape);
        CollectionAssert.AreEqual(new[] { 1, 7, 7, 1280 }, graph.FindTensor("top_activation").Shape);
        CollectionAssert.AreEqual(new[] { 1, 14, 14, 672 }, graph.FindTensor("block5c_se_excite").Shape);
    }

    [TestMethod]
    [DataRow(SynthArchitecture.MobileNetV3Small, 2_554_968L, "MobilenetV3small", "MobileNetV3Small", 1024)]
    [DataRow(SynthArchitecture.MobileNetV3Large, 5_507_432L, "MobilenetV3large", "MobileNetV3Large", 1280)]
    public void MobileNetV3_has_the_published_parameter_count_and_each_keras_own_layers(
        SynthArchitecture arch, long parameters, string keras2Name, string keras3Name, int lastPointChannels)
    {
        var h5 = Path.Combine(_dir, arch + ".h5");
        var keras = Path.Combine(_dir, arch + ".keras");
        KerasModelSynthesizer.Write(h5, arch, seed: 3, Quick);
        KerasModelSynthesizer.Write(keras, arch, seed: 3, Quick with { Format = SynthFileFormat.KerasArchive });

        Assert.AreEqual(parameters, KerasFileContents.CountParameters(h5), $"{arch}: model.count_params()");
        var names = KerasFileContents.LayerNames(h5);
        CollectionAssert.AreEqual(new[] { "input_1", "rescaling", "Conv", "Conv/BatchNorm" }, names.Take(4).ToArray());
        var top = names[^9..^4];
        Assert.AreEqual("Conv_2", top[0]);
        StringAssert.StartsWith(top[1], "tf.__operators__.add_", "Keras 2: hard-swish after Conv_2 is hard_sigmoid's TFOpLambda add 3 ...");
        StringAssert.StartsWith(top[2], "re_lu_", "... ReLU(6) ...");
        StringAssert.StartsWith(top[3], "tf.math.multiply_", "... TFOpLambda multiply by 1/6 ...");
        StringAssert.StartsWith(top[4], "multiply_", "... then a Multiply layer");
        CollectionAssert.AreEqual(new[] { "dropout", "Logits", "flatten", "Predictions" }, names.TakeLast(4).ToArray());
        CollectionAssert.Contains(names, "tf.__operators__.add");
        CollectionAssert.Contains(names, "tf.math.multiply_1");
        CollectionAssert.Contains(names, "expanded_conv_3/squeeze_excite/Mul");

        var config = KerasArchiveContents.Config(keras);
        Assert.AreEqual(keras3Name, config["config"]!["name"]!.GetValue<string>());
        var layers = config["config"]!["layers"]!.AsArray().Select(l => l!.AsObject()).ToList();
        var keras3Names = layers.Select(l => l["name"]!.GetValue<string>()).ToList();
        CollectionAssert.AreEqual(new[] { "input_1", "rescaling", "conv", "conv_bn", "activation" }, keras3Names.Take(5).ToArray(), "Keras 3: Activation(\"hard_swish\")");
        CollectionAssert.AreEqual(new[] { "dropout", "logits", "flatten", "predictions" }, keras3Names.TakeLast(4).ToArray());
        var plus3 = layers.First(l => l["name"]!.GetValue<string>() == "add");
        Assert.AreEqual("keras.src.ops.numpy", plus3["module"]!.GetValue<string>());
        Assert.AreEqual("Add", plus3["registered_name"]!.GetValue<string>());
        Assert.AreEqual(3.0, plus3["inbound_nodes"]![0]!["args"]![1]!.GetValue<double>(), "x + 3.0 keeps its constant in the call's args");
        Assert.AreEqual(lastPointChannels, layers.First(l => l["name"]!.GetValue<string>() == "conv_2")["config"]!["filters"]!.GetValue<int>());
        Assert.AreEqual(parameters, KerasArchiveContents.CountParameters(keras), "the .keras holds the same number of weights");
    }

    [TestMethod]
    public void EfficientNetV2B0_has_the_published_parameter_count_and_keras_applications_layers()
    {
        var file = Path.Combine(_dir, "efficientnetv2b0.h5");
        KerasModelSynthesizer.Write(file, SynthArchitecture.EfficientNetV2B0, seed: 3, Quick);

        Assert.AreEqual(7_200_312L, KerasFileContents.CountParameters(file), "EfficientNetV2B0: 7,200,312 parameters");
        var layers = KerasFileContents.Layers(file).Select(l => l!.AsObject()).ToList();
        var names = layers.Select(l => l["name"]!.GetValue<string>()).ToArray();
        CollectionAssert.AreEqual(
            new[] { "input_1", "rescaling", "normalization", "stem_conv", "stem_bn", "stem_activation", "block1a_project_conv", "block1a_project_bn", "block1a_project_activation", "block2a_expand_conv" },
            names.Take(10).ToArray());
        CollectionAssert.AreEqual(new[] { "top_conv", "top_bn", "top_activation", "avg_pool", "top_dropout", "predictions" }, names.TakeLast(6).ToArray());
        CollectionAssert.Contains(names, "block4a_dwconv2");
        CollectionAssert.Contains(names, "block6h_drop");
        CollectionAssert.DoesNotContain(names, "block1a_add", "block 1a: its Dropout rate would be 0, and it changes width");
        var normalization = layers.First(l => l["name"]!.GetValue<string>() == "normalization")["config"]!;
        Assert.AreEqual("[0.485,0.456,0.406]", normalization["mean"]!.ToJsonString(), "mean given to the constructor, kept in the config");

        var graph = KerasModelReader.Read(file);
        CollectionAssert.AreEqual(new[] { 1, 7, 7, 1280 }, graph.FindTensor("top_activation").Shape);
        CollectionAssert.AreEqual(new[] { 1, 7, 7, 1152 }, graph.FindTensor("block6h_se_excite").Shape);
    }
}
