using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Synthesis;
using ModelBuild.Core.Tests.Layout;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Synthesis;

/// <summary>
/// The synthesizer's entry points: keras.applications' input-size minimums, and ResNet50, ResNet152 and MobileNetV2
/// written at keras.applications' size and read back. Each family's own figures are in Synthesis/Architectures.
/// </summary>
[TestClass]
public sealed class KerasModelSynthesizerTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("synth-zoo-families");

    [ClassCleanup]
    public static void Cleanup() => ResidualArtifacts.DeleteScratch(_dir);

    private static SynthOptions Small(int size) => new() { InputSize = size, CalibrationSize = size, CalibrationImages = 8 };

    [TestMethod]
    [DataRow(SynthArchitecture.Xception, 70)]
    [DataRow(SynthArchitecture.InceptionV3, 74)]
    public void Input_below_the_keras_applications_minimum_is_refused_and_writes_nothing(SynthArchitecture arch, int size)
    {
        var file = Path.Combine(_dir, $"never-{arch}.h5");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => KerasModelSynthesizer.Write(file, arch, 1, Small(size)));
        Assert.IsFalse(File.Exists(file));
    }

    [TestMethod]
    public void Statistics_pass_below_the_minimum_input_is_refused()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => KerasModelSynthesizer.Write(Path.Combine(_dir, "never.h5"), SynthArchitecture.InceptionV3, 1, Small(299) with { CalibrationSize = 64 }));
    }

    [TestMethod]
    public void NASNetMobile_with_random_weights_takes_an_input_of_32()
    {
        // NASNetMobile's fixed 224 holds only with ImageNet weights; random weights take any size from 32.
        var nasnet = Path.Combine(_dir, "nasnet-32.h5");
        KerasModelSynthesizer.Write(nasnet, SynthArchitecture.NASNetMobile, 1, Small(32));
        CollectionAssert.AreEqual(new[] { 1, 1, 1, 1056 }, KerasModelReader.Read(nasnet).FindTensor("activation_187").Shape);
    }

    /// <summary>
    /// ResNet50, ResNet152 and MobileNetV2 at keras.applications' size (224×224×3, 1000 classes) against keras.applications'
    /// own figures, read back with the KerasModelReader; the statistics pass runs small (64×64), which changes no name,
    /// shape or count.
    /// </summary>
    [TestMethod]
    [DataRow(SynthArchitecture.ResNet50, "resnet50", 25_636_712L, 177, "conv4_block4_out", new[] { 1, 14, 14, 1024 })]
    [DataRow(SynthArchitecture.ResNet152, "resnet152", 60_419_944L, 517, "conv4_block36_out", new[] { 1, 14, 14, 1024 })]
    [DataRow(SynthArchitecture.MobileNetV2, "mobilenetv2_1.00_224", 3_538_984L, 156, "block_13_expand_relu", new[] { 1, 14, 14, 576 })]
    public void Reads_back_with_the_keras_applications_parameter_count_names_and_shapes(
        SynthArchitecture arch, string modelName, long parameters, int layers, string someTensor, int[] itsShape)
    {
        var file = Path.Combine(_dir, arch + ".h5");
        KerasModelSynthesizer.Write(file, arch, seed: 5, new SynthOptions { CalibrationSize = 64 });

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
}
