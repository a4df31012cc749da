using ModelBuild.Core.Graph;
using ModelBuild.Core.Synthesis;
using ModelBuild.Core.Synthesis.Layers;
using ModelBuild.Core.Tests.Layout;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.TestGraphs.SynthLayerTestGraphs;

namespace ModelBuild.Core.Tests.Synthesis.Layers;

/// <summary>A synthesized ZeroPadding2D with four different margins, read back by our reader; its config against a real Keras 2.8 file.</summary>
[TestClass]
public sealed class ZeroPadding2DLayerTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("synth-zeropad");

    [ClassCleanup]
    public static void Cleanup() => ResidualArtifacts.DeleteScratch(_dir);

    private static SynthModel Padded(string name) => Model(name, 4, 2, x => new ZeroPadding2DLayer("pad", x, top: 0, bottom: 1, left: 2, right: 3));

    [TestMethod]
    [DataRow(SynthFileFormat.KerasH5)]
    [DataRow(SynthFileFormat.KerasArchive)]
    public void Asymmetric_padding_reads_back_as_a_pad_with_zeros_where_synthesized(SynthFileFormat format)
    {
        var model = Padded("pad_" + format);
        var graph = AssertReadBackComputesAsSynthesized(model, Write(model, format, _dir));

        Assert.AreEqual(OpType.Pad, graph.Nodes.Single().Op);
        CollectionAssert.AreEqual(new[] { 5, 9, 2 }, model.Output.OutputShape, "4 + 0 + 1 rows, 4 + 2 + 3 columns");
    }

    [TestMethod]
    public void Config_holds_top_bottom_then_left_right()
    {
        var padding = LayerEntry(Write(Padded("pad_config"), SynthFileFormat.KerasH5, _dir), "pad")["config"]!["padding"]!;

        Assert.AreEqual("[[0,1],[2,3]]", padding.ToJsonString());
    }

    [TestMethod]
    public void Config_has_the_keys_keras_2_8_writes() =>
        AssertKeysAsInRealFile(Write(Padded("pad_keys"), SynthFileFormat.KerasH5, _dir), "pad", "01_st_mobilenet_v2_0.35_224_food101_k2.8.h5");
}
