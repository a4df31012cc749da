using ModelBuild.Core.Keras;
using ModelBuild.Core.Synthesis;
using ModelBuild.Core.Tests.Layout;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Synthesis.Architectures;

/// <summary>
/// EfficientNetB0 at keras.applications' published size (224×224×3, 1000 classes): model.count_params() as Keras
/// publishes it, keras.applications' layer names in model.layers order, and a read-back through our reader.
/// </summary>
[TestClass]
public sealed class EfficientNetTests
{
    private static readonly SynthOptions Quick = new() { CalibrationSize = 32, CalibrationImages = 1 };
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("synth-efficientnet");

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
}
