using ModelBuild.Core.Graph;
using ModelBuild.Core.Synthesis;
using ModelBuild.Core.Synthesis.Layers;
using ModelBuild.Core.Tests.Layout;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.TestGraphs.SynthLayerTestGraphs;

namespace ModelBuild.Core.Tests.Synthesis.Layers;

/// <summary>Synthesized AveragePooling2D layers, read back by our reader; their config against a real Keras 2.4 file.</summary>
[TestClass]
public sealed class AveragePooling2DLayerTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("synth-avgpool");

    [ClassCleanup]
    public static void Cleanup() => ResidualArtifacts.DeleteScratch(_dir);

    [TestMethod]
    [DataRow(SynthFileFormat.KerasH5)]
    [DataRow(SynthFileFormat.KerasArchive)]
    public void Valid_two_by_two_pooling_reads_back_with_its_window_and_computes_as_synthesized(SynthFileFormat format)
    {
        var model = Model("avgpool_valid", 9, 3, x => new AveragePooling2DLayer("pool", x, pool: 2, stride: 2, same: false));
        var graph = AssertReadBackComputesAsSynthesized(model, Write(model, format, _dir));

        var pool = graph.Nodes.Single(n => n.Op == OpType.AveragePool2D);
        var options = (Pool2DOptions)pool.Options!;
        Assert.AreEqual((2, 2, 2, 2, Padding.Valid), (options.FilterH, options.FilterW, options.StrideH, options.StrideW, options.Padding));
        CollectionAssert.AreEqual(new[] { 1, 4, 4, 3 }, pool.Outputs[0].Shape, "floor((9 - 2) / 2) + 1");
    }

    [TestMethod]
    public void Same_pooling_averages_only_the_real_inputs_at_the_border_as_read_back()
    {
        var model = Model("avgpool_same", 5, 2, x => new AveragePooling2DLayer("pool", x, pool: 3, stride: 1, same: true));
        var graph = AssertReadBackComputesAsSynthesized(model, Write(model, SynthFileFormat.KerasH5, _dir));

        Assert.AreEqual(Padding.Same, ((Pool2DOptions)graph.Nodes[^1].Options!).Padding);
    }

    [TestMethod]
    public void Config_has_the_keys_keras_2_4_writes()
    {
        var model = Model("avgpool_keys", 4, 2, x => new AveragePooling2DLayer("pool", x, pool: 2, stride: 2, same: false));
        AssertKeysAsInRealFile(Write(model, SynthFileFormat.KerasH5, _dir), "pool", "03_mlperf_tiny_resnet8_cifar10_k2.4.h5");
    }
}
