using ModelBuild.Core.Graph;
using ModelBuild.Core.Synthesis;
using ModelBuild.Core.Synthesis.Layers;
using ModelBuild.Core.Tests.Layout;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.TestGraphs.SynthLayerTestGraphs;

namespace ModelBuild.Core.Tests.Synthesis.Layers;

/// <summary>
/// A synthesized BatchNormalization: its moving statistics measured on what reaches it, read back by our reader
/// (MUL and ADD, as Keras describes it) in both formats; its config against real Keras files.
/// </summary>
[TestClass]
public sealed class BatchNormalizationLayerTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("synth-batchnorm");

    [ClassCleanup]
    public static void Cleanup() => ResidualArtifacts.DeleteScratch(_dir);

    private static BatchNormalizationLayer? _last;

    private static SynthModel BatchNorm(string name, bool scale = true) =>
        Model(name, 6, 4, x => _last = new BatchNormalizationLayer("bn", x, epsilon: 1e-3, momentum: 0.99, scale: scale));

    [TestMethod]
    [DataRow(SynthFileFormat.KerasH5)]
    [DataRow(SynthFileFormat.KerasArchive)]
    public void Reads_back_as_multiply_and_add_and_computes_as_synthesized(SynthFileFormat format)
    {
        var model = BatchNorm("bn_" + format);
        var graph = AssertReadBackComputesAsSynthesized(model, Write(model, format, _dir));

        CollectionAssert.AreEqual(new[] { OpType.Mul, OpType.Add }, graph.Nodes.Select(n => n.Op).ToArray());
    }

    [TestMethod]
    public void Moving_statistics_are_the_channel_mean_and_variance_of_the_measured_images()
    {
        BatchNorm("bn_stats");
        var images = Images(2, 6, 4, seed: 1);
        var weights = _last!.Weights.ToDictionary(w => w.Name, w => w.Values);

        for (int c = 0; c < 4; c++)
        {
            var channel = images.Data.Where((_, i) => i % 4 == c).Select(v => (double)v).ToArray();
            double mean = channel.Average();
            Assert.AreEqual(mean, weights["moving_mean"][c], 1e-5, $"channel {c} mean");
            Assert.AreEqual(channel.Average(v => (v - mean) * (v - mean)), weights["moving_variance"][c], 1e-4, $"channel {c} variance");
        }
    }

    [TestMethod]
    public void Is_not_measured_until_the_statistics_pass_reaches_it()
    {
        var layer = new BatchNormalizationLayer("bn", new InputLayerSpec("input_1", 2, 2, 3), epsilon: 1e-3, momentum: 0.99);

        Assert.IsFalse(layer.Measured);
        layer.Measure(Images(1, 2, 3, seed: 2));
        Assert.IsTrue(layer.Measured);
    }

    [TestMethod]
    [DataRow(SynthFileFormat.KerasH5)]
    [DataRow(SynthFileFormat.KerasArchive)]
    public void Without_scale_it_has_no_gamma_and_reads_back_as_computed(SynthFileFormat format)
    {
        var model = BatchNorm("bn_noscale_" + format, scale: false);
        var file = Write(model, format, _dir);

        CollectionAssert.AreEqual(new[] { "beta", "moving_mean", "moving_variance" }, _last!.Weights.Select(w => w.Name).ToArray());
        Assert.IsFalse(LayerEntry(file, "bn")["config"]!["scale"]!.GetValue<bool>());
        AssertReadBackComputesAsSynthesized(model, file);
    }

    [TestMethod]
    public void Keras2_config_has_the_keys_keras_2_8_writes() =>
        AssertKeysAsInRealFile(Write(BatchNorm("bn_keys2"), SynthFileFormat.KerasH5, _dir), "bn", "01_st_mobilenet_v2_0.35_224_food101_k2.8.h5");

    [TestMethod]
    public void Keras3_config_has_the_keys_keras_3_13_writes() =>
        AssertKeysAsInRealFile(Write(BatchNorm("bn_keys3"), SynthFileFormat.KerasArchive, _dir), "bn", "14_keras3.13_potato_cnn_nested_augmentation.keras");
}
