using ModelBuild.Core.Graph;
using ModelBuild.Core.Synthesis;
using ModelBuild.Core.Synthesis.Layers;
using ModelBuild.Core.Tests.Layout;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.TestGraphs.SynthLayerTestGraphs;

namespace ModelBuild.Core.Tests.Synthesis.Layers;

/// <summary>Synthesized Activation("relu") and ReLU layers, read back by our reader; their configs against real Keras 2.8 files.</summary>
[TestClass]
public sealed class ActivationLayersTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("synth-activation");

    [ClassCleanup]
    public static void Cleanup() => ResidualArtifacts.DeleteScratch(_dir);

    /// <summary>Input noise in [-2, 2) scaled by 5, so a ReLU(6) really clips.</summary>
    private static SynthLayer Scaled(InputLayerSpec x) => new RescalingLayer("scale", x, 5.0, 0.0);

    [TestMethod]
    [DataRow(SynthFileFormat.KerasH5)]
    [DataRow(SynthFileFormat.KerasArchive)]
    public void Activation_relu_reads_back_as_relu_and_computes_as_synthesized(SynthFileFormat format)
    {
        var model = Model("activation_relu", 5, 3, x => new ReluActivationLayer("act", Scaled(x)));
        var graph = AssertReadBackComputesAsSynthesized(model, Write(model, format, _dir));

        Assert.AreEqual(OpType.Relu, graph.Nodes[^1].Op);
    }

    [TestMethod]
    [DataRow(SynthFileFormat.KerasH5)]
    [DataRow(SynthFileFormat.KerasArchive)]
    public void ReLU_with_max_value_six_reads_back_as_relu6_and_clips_at_six(SynthFileFormat format)
    {
        var model = Model("relu6", 5, 3, x => new ReLULayer("relu", Scaled(x), 6.0));
        var graph = AssertReadBackComputesAsSynthesized(model, Write(model, format, _dir));

        Assert.AreEqual(OpType.Relu6, graph.Nodes[^1].Op);
        Assert.AreEqual(6f, model.Run(Images(1, 5, 3, seed: 9)).Data.Max(), "noise up to 10 clips at 6");
    }

    [TestMethod]
    public void ReLU_without_max_value_writes_null_and_does_not_clip()
    {
        var model = Model("relu_unbounded", 5, 3, x => new ReLULayer("relu", Scaled(x), null));
        var file = Write(model, SynthFileFormat.KerasH5, _dir);

        Assert.IsNull(LayerEntry(file, "relu")["config"]!["max_value"]);
        var graph = AssertReadBackComputesAsSynthesized(model, file);
        Assert.AreEqual(OpType.Relu, graph.Nodes[^1].Op);
        Assert.IsGreaterThan(6f, model.Run(Images(1, 5, 3, seed: 9)).Data.Max());
    }

    [TestMethod]
    public void Activation_config_has_the_keys_keras_2_8_writes()
    {
        var model = Model("activation_keys", 3, 2, x => new ReluActivationLayer("act", x));
        AssertKeysAsInRealFile(Write(model, SynthFileFormat.KerasH5, _dir), "act", "02_keras_apps_mobilenet_v1_0.25_224_imagenet_k2.8.h5");
    }

    [TestMethod]
    public void ReLU_config_has_the_keys_keras_2_8_writes()
    {
        var model = Model("relu_keys", 3, 2, x => new ReLULayer("relu", x, 6.0));
        AssertKeysAsInRealFile(Write(model, SynthFileFormat.KerasH5, _dir), "relu", "01_st_mobilenet_v2_0.35_224_food101_k2.8.h5");
    }
}
