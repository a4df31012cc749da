using ModelBuild.Core.Graph;
using ModelBuild.Core.Synthesis;
using ModelBuild.Core.Synthesis.Layers;
using ModelBuild.Core.Tests.Layout;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.TestGraphs.SynthLayerTestGraphs;

namespace ModelBuild.Core.Tests.Synthesis.Layers;

/// <summary>A synthesized Add of two branches, read back by our reader; its config against a real Keras 2.8 file.</summary>
[TestClass]
public sealed class AddLayerTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("synth-add");

    [ClassCleanup]
    public static void Cleanup() => ResidualArtifacts.DeleteScratch(_dir);

    [TestMethod]
    [DataRow(SynthFileFormat.KerasH5)]
    [DataRow(SynthFileFormat.KerasArchive)]
    public void Add_of_two_branches_reads_back_as_one_add_of_both_and_computes_as_synthesized(SynthFileFormat format)
    {
        var model = Model("add", 4, 3, x => new AddLayer("add", x, new ReluActivationLayer("relu", x)));
        var graph = AssertReadBackComputesAsSynthesized(model, Write(model, format, _dir));

        var add = graph.Nodes.Single(n => n.Op == OpType.Add);
        CollectionAssert.AreEquivalent(new[] { graph.Inputs[0].Name, graph.Nodes.Single(n => n.Op == OpType.Relu).Outputs[0].Name }, add.Inputs.Select(t => t!.Name).ToArray());
    }

    [TestMethod]
    public void Inbound_node_lists_both_inputs_in_call_order()
    {
        var model = Model("add_order", 3, 2, x => new AddLayer("add", new ReluActivationLayer("relu", x), x));
        var inbound = LayerEntry(Write(model, SynthFileFormat.KerasH5, _dir), "add")["inbound_nodes"]![0]!.AsArray();

        CollectionAssert.AreEqual(new[] { "relu", "input_1" }, inbound.Select(n => n![0]!.GetValue<string>()).ToArray());
    }

    [TestMethod]
    public void Config_has_the_keys_keras_2_8_writes()
    {
        var model = Model("add_keys", 3, 2, x => new AddLayer("add", x, new ReluActivationLayer("relu", x)));
        AssertKeysAsInRealFile(Write(model, SynthFileFormat.KerasH5, _dir), "add", "01_st_mobilenet_v2_0.35_224_food101_k2.8.h5");
    }
}
