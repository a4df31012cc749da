using ModelBuild.Core.Graph;
using ModelBuild.Core.Synthesis;
using ModelBuild.Core.Synthesis.Layers;
using ModelBuild.Core.Tests.Layout;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.TestGraphs.SynthLayerTestGraphs;

namespace ModelBuild.Core.Tests.Synthesis.Layers;

/// <summary>Synthesized Rescaling and Normalization (adapted weights, or values in the config), read back by our reader.</summary>
[TestClass]
public sealed class PreprocessingLayersTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("synth-preprocessing");

    [ClassCleanup]
    public static void Cleanup() => ResidualArtifacts.DeleteScratch(_dir);

    private static readonly double[] Mean = [0.5, -0.25, 1.0];
    private static readonly double[] Variance = [4.0, 0.25, 1.0];

    [TestMethod]
    [DataRow(SynthFileFormat.KerasH5)]
    [DataRow(SynthFileFormat.KerasArchive)]
    public void Rescaling_reads_back_and_computes_scale_times_x_plus_offset(SynthFileFormat format)
    {
        var model = Model("rescaling_" + format, 4, 3, x => new RescalingLayer("rescale", x, 1.0 / 127.5, -1.0));
        AssertReadBackComputesAsSynthesized(model, Write(model, format, _dir));

        var image = Images(1, 4, 3, seed: 4);
        Assert.AreEqual(image.Data[5] / 127.5f - 1f, model.Run(image).Data[5], 1e-6);
    }

    [TestMethod]
    [DataRow(SynthFileFormat.KerasH5)]
    [DataRow(SynthFileFormat.KerasArchive)]
    public void Adapted_normalization_holds_mean_variance_and_count_as_weights_and_reads_back(SynthFileFormat format)
    {
        var model = Model("normalization_" + format, 4, 3, x => new NormalizationLayer("norm", x, Mean, Variance));
        var file = Write(model, format, _dir);

        CollectionAssert.AreEqual(new[] { "mean", "variance", "count" }, model.Output.Weights.Select(w => w.Name).ToArray());
        Assert.IsTrue(model.Output.Weights[2].IsInt64, "adapt()'s count is an int64");
        AssertReadBackComputesAsSynthesized(model, file);
    }

    [TestMethod]
    public void Normalization_given_values_writes_them_in_the_config_and_has_no_weights()
    {
        var model = Model("normalization_config", 4, 3, x => new NormalizationLayer("norm", x, Mean, Variance, configValues: true));
        var file = Write(model, SynthFileFormat.KerasArchive, _dir);

        Assert.IsEmpty(model.Output.Weights);
        CollectionAssert.AreEqual(Variance, LayerEntry(file, "norm")["config"]!["variance"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray());
        AssertReadBackComputesAsSynthesized(model, file);
    }

    [TestMethod]
    public void Normalization_divides_by_the_standard_deviation()
    {
        var model = Model("normalization_math", 1, 3, x => new NormalizationLayer("norm", x, Mean, Variance));
        var x = new FeatureMap([2.5f, 0.25f, 3f], 1, 1, 1, 3);

        CollectionAssert.AreEqual(new[] { 1f, 1f, 2f }, model.Run(x).Data, "(2.5 - 0.5) / 2, (0.25 + 0.25) / 0.5, (3 - 1) / 1");
    }

    [TestMethod]
    public void Rescaling_keras3_config_has_the_keys_keras_3_13_writes()
    {
        var model = Model("rescaling_keys", 2, 3, x => new RescalingLayer("rescale", x, 1.0 / 255, 0.0));
        AssertKeysAsInRealFile(Write(model, SynthFileFormat.KerasArchive, _dir), "rescale", "14_keras3.13_potato_cnn_nested_augmentation.keras");
    }
}
