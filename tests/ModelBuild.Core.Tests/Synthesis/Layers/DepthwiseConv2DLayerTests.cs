using ModelBuild.Core.Graph;
using ModelBuild.Core.Synthesis;
using ModelBuild.Core.Synthesis.Layers;
using ModelBuild.Core.Tests.Layout;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.TestGraphs.SynthLayerTestGraphs;

namespace ModelBuild.Core.Tests.Synthesis.Layers;

/// <summary>Synthesized DepthwiseConv2D layers, read back by our reader; the config against a real Keras 2.8 file.</summary>
[TestClass]
public sealed class DepthwiseConv2DLayerTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("synth-depthwise");

    [ClassCleanup]
    public static void Cleanup() => ResidualArtifacts.DeleteScratch(_dir);

    /// <summary>On 8×8, so a strided same window pads one row and column, after the image.</summary>
    private static SynthModel Depthwise(string name, int stride, bool same) =>
        Model(name, 8, 4, x => new DepthwiseConv2DLayer("dw", x, kernel: 3, stride, same));

    [TestMethod]
    [DataRow(SynthFileFormat.KerasH5)]
    [DataRow(SynthFileFormat.KerasArchive)]
    public void Strided_same_depthwise_reads_back_with_multiplier_one_and_computes_as_synthesized(SynthFileFormat format)
    {
        var model = Depthwise("dw_" + format, stride: 2, same: true);
        var graph = AssertReadBackComputesAsSynthesized(model, Write(model, format, _dir));

        var dw = graph.Nodes.Single(n => n.Op == OpType.DepthwiseConv2D);
        var options = (DepthwiseConv2DOptions)dw.Options!;
        Assert.AreEqual((2, 1, Padding.Same), (options.StrideH, options.DepthMultiplier, options.Padding));
        CollectionAssert.AreEqual(new[] { 1, 4, 4, 4 }, dw.Outputs[0].Shape);
    }

    [TestMethod]
    public void Valid_depthwise_reads_back_as_computed()
    {
        var model = Depthwise("dw_valid", stride: 1, same: false);
        AssertReadBackComputesAsSynthesized(model, Write(model, SynthFileFormat.KerasH5, _dir));

        CollectionAssert.AreEqual(new[] { 6, 6, 4 }, model.Output.OutputShape);
    }

    [TestMethod]
    public void Its_one_weight_is_the_depthwise_kernel_without_bias()
    {
        var dw = Depthwise("dw_weights", 1, true).Output;

        CollectionAssert.AreEqual(new[] { "depthwise_kernel" }, dw.Weights.Select(w => w.Name).ToArray());
        CollectionAssert.AreEqual(new[] { 3, 3, 4, 1 }, dw.Weights[0].Shape);
    }

    [TestMethod]
    public void Keras2_config_has_the_keys_keras_2_8_writes() =>
        AssertKeysAsInRealFile(Write(Depthwise("dw_keys2", 1, true), SynthFileFormat.KerasH5, _dir), "dw", "01_st_mobilenet_v2_0.35_224_food101_k2.8.h5");
}
