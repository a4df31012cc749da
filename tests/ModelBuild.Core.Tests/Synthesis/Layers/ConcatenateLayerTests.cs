using ModelBuild.Core.Graph;
using ModelBuild.Core.Synthesis;
using ModelBuild.Core.Synthesis.Layers;
using ModelBuild.Core.Tests.Layout;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.TestGraphs.SynthLayerTestGraphs;

namespace ModelBuild.Core.Tests.Synthesis.Layers;

/// <summary>Synthesized Concatenate layers, read back by our reader; the config against a real Keras 2.10 file.</summary>
[TestClass]
public sealed class ConcatenateLayerTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("synth-concat");

    [ClassCleanup]
    public static void Cleanup() => ResidualArtifacts.DeleteScratch(_dir);

    [TestMethod]
    [DataRow(SynthFileFormat.KerasH5)]
    [DataRow(SynthFileFormat.KerasArchive)]
    public void Channel_concatenation_of_three_inputs_reads_back_with_their_channels_in_call_order(SynthFileFormat format)
    {
        var model = Model("concat", 4, 3, x => new ConcatenateLayer("concat", -1, new ReluActivationLayer("relu", x), x, new Conv2DLayer("conv", x, 2, 1)));
        var graph = AssertReadBackComputesAsSynthesized(model, Write(model, format, _dir));

        var concat = graph.Nodes.Single(n => n.Op == OpType.Concatenation);
        CollectionAssert.AreEqual(new[] { 1, 4, 4, 8 }, concat.Outputs[0].Shape, "3 + 3 + 2 channels");
        Assert.AreEqual(graph.Inputs[0].Name, concat.Inputs[1]!.Name, "the input is the second operand");
    }

    [TestMethod]
    public void Config_holds_the_axis_as_given()
    {
        var model = Model("concat_axis", 3, 2, x => new ConcatenateLayer("concat", 3, x, new ReluActivationLayer("relu", x)));
        Assert.AreEqual(3, LayerEntry(Write(model, SynthFileFormat.KerasH5, _dir), "concat")["config"]!["axis"]!.GetValue<int>());
    }

    [TestMethod]
    public void Config_has_the_keys_keras_2_10_writes()
    {
        var model = Model("concat_keys", 3, 2, x => new ConcatenateLayer("concat", -1, x, new ReluActivationLayer("relu", x)));
        AssertKeysAsInRealFile(Write(model, SynthFileFormat.KerasH5, _dir), "concat", "11_unet_superres_concat_upsample_k2.10.h5");
    }
}
