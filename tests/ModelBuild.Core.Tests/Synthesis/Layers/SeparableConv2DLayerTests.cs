using ModelBuild.Core.Graph;
using ModelBuild.Core.Synthesis;
using ModelBuild.Core.Synthesis.Layers;
using ModelBuild.Core.Tests.Layout;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.TestGraphs.SynthLayerTestGraphs;

namespace ModelBuild.Core.Tests.Synthesis.Layers;

/// <summary>A synthesized SeparableConv2D (depthwise then pointwise, no bias), read back by our reader.</summary>
[TestClass]
public sealed class SeparableConv2DLayerTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("synth-separable");

    [ClassCleanup]
    public static void Cleanup() => ResidualArtifacts.DeleteScratch(_dir);

    private static SynthModel Separable(string name, int stride = 1, bool same = true) =>
        Model(name, 8, 3, x => new SeparableConv2DLayer("sep", x, filters: 6, kernel: 3, stride, same));

    [TestMethod]
    [DataRow(SynthFileFormat.KerasH5)]
    [DataRow(SynthFileFormat.KerasArchive)]
    public void Reads_back_as_depthwise_then_pointwise_conv_and_computes_as_synthesized(SynthFileFormat format)
    {
        var model = Separable("sep_" + format);
        var graph = AssertReadBackComputesAsSynthesized(model, Write(model, format, _dir));

        CollectionAssert.AreEqual(new[] { OpType.DepthwiseConv2D, OpType.Conv2D }, graph.Nodes.Select(n => n.Op).ToArray());
    }

    [TestMethod]
    public void Strided_valid_separable_reads_back_as_computed()
    {
        var model = Separable("sep_strided", stride: 2, same: false);
        AssertReadBackComputesAsSynthesized(model, Write(model, SynthFileFormat.KerasH5, _dir));

        CollectionAssert.AreEqual(new[] { 3, 3, 6 }, model.Output.OutputShape, "floor((8 - 3) / 2) + 1");
    }

    [TestMethod]
    public void Weights_are_the_depthwise_and_pointwise_kernels()
    {
        var sep = Separable("sep_weights").Output;

        CollectionAssert.AreEqual(new[] { "depthwise_kernel", "pointwise_kernel" }, sep.Weights.Select(w => w.Name).ToArray());
        CollectionAssert.AreEqual(new[] { 1, 1, 3, 6 }, sep.Weights[1].Shape);
    }

    [TestMethod]
    public void Config_has_no_bias_and_the_separable_keys_after_the_conv_keys()
    {
        var config = LayerEntry(Write(Separable("sep_config"), SynthFileFormat.KerasH5, _dir), "sep")["config"]!.AsObject();
        var keys = Keys(config).ToList();

        Assert.IsFalse(config["use_bias"]!.GetValue<bool>());
        Assert.IsGreaterThan(keys.IndexOf("bias_constraint"), keys.IndexOf("depth_multiplier"));
        Assert.AreEqual("pointwise_constraint", keys[^1]);
    }
}
