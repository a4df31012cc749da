using ModelBuild.Core.Synthesis;
using ModelBuild.Core.Tests.Layout;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Synthesis.Architectures;

/// <summary>
/// MobileNetV3Small and Large at keras.applications' published size (224×224×3, 1000 classes): model.count_params()
/// as Keras publishes it and keras.applications' layer names in model.layers order, in the .h5 (Keras 2) and the
/// .keras (Keras 3), which name the hard-swish layers differently.
/// </summary>
[TestClass]
public sealed class MobileNetV3Tests
{
    private static readonly SynthOptions Quick = new() { CalibrationSize = 32, CalibrationImages = 1 };
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("synth-mobilenetv3");

    [ClassCleanup]
    public static void Cleanup() => ResidualArtifacts.DeleteScratch(_dir);

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
}
