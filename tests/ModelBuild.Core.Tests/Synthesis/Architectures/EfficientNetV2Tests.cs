using ModelBuild.Core.Keras;
using ModelBuild.Core.Synthesis;
using ModelBuild.Core.Tests.Layout;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Synthesis.Architectures;

/// <summary>
/// EfficientNetV2B0 at keras.applications' published size (224×224×3, 1000 classes): model.count_params() as Keras
/// publishes it, keras.applications' layer names in model.layers order, and a read-back through our reader.
/// </summary>
[TestClass]
public sealed class EfficientNetV2Tests
{
    private static readonly SynthOptions Quick = new() { CalibrationSize = 32, CalibrationImages = 1 };
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("synth-efficientnetv2");

    [ClassCleanup]
    public static void Cleanup() => ResidualArtifacts.DeleteScratch(_dir);

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
