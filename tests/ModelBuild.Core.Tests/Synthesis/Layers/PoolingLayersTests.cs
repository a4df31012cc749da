using ModelBuild.Core.Graph;
using ModelBuild.Core.Synthesis;
using ModelBuild.Core.Synthesis.Layers;
using ModelBuild.Core.Tests.Layout;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.TestGraphs.SynthLayerTestGraphs;

namespace ModelBuild.Core.Tests.Synthesis.Layers;

/// <summary>Synthesized MaxPooling2D and GlobalAveragePooling2D, read back by our reader; their configs against real Keras 2 files.</summary>
[TestClass]
public sealed class PoolingLayersTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("synth-pooling");

    [ClassCleanup]
    public static void Cleanup() => ResidualArtifacts.DeleteScratch(_dir);

    [TestMethod]
    [DataRow(SynthFileFormat.KerasH5)]
    [DataRow(SynthFileFormat.KerasArchive)]
    public void Same_max_pooling_reads_back_with_its_window_and_computes_as_synthesized(SynthFileFormat format)
    {
        var model = Model("maxpool_" + format, 8, 3, x => new MaxPooling2DLayer("pool", x, pool: 3, stride: 2, same: true));
        var graph = AssertReadBackComputesAsSynthesized(model, Write(model, format, _dir));

        var options = (Pool2DOptions)graph.Nodes.Single(n => n.Op == OpType.MaxPool2D).Options!;
        Assert.AreEqual((3, 2, Padding.Same), (options.FilterH, options.StrideH, options.Padding));
        CollectionAssert.AreEqual(new[] { 4, 4, 3 }, model.Output.OutputShape);
    }

    [TestMethod]
    public void Valid_max_pooling_drops_the_last_odd_row_and_column()
    {
        var model = Model("maxpool_valid", 5, 2, x => new MaxPooling2DLayer("pool", x, pool: 2, stride: 2));
        AssertReadBackComputesAsSynthesized(model, Write(model, SynthFileFormat.KerasH5, _dir));

        CollectionAssert.AreEqual(new[] { 2, 2, 2 }, model.Output.OutputShape);
    }

    [TestMethod]
    [DataRow(SynthFileFormat.KerasH5)]
    [DataRow(SynthFileFormat.KerasArchive)]
    public void Global_average_pooling_reads_back_as_a_mean_to_one_vector(SynthFileFormat format)
    {
        var model = Model("gap_" + format, 4, 5, x => new GlobalAveragePooling2DLayer("gap", x));
        var graph = AssertReadBackComputesAsSynthesized(model, Write(model, format, _dir));

        Assert.AreEqual(OpType.Mean, graph.Nodes.Single().Op);
        CollectionAssert.AreEqual(new[] { 5 }, model.Output.OutputShape);
    }

    [TestMethod]
    public void Global_average_pooling_with_keepdims_keeps_a_one_by_one_map()
    {
        var model = Model("gap_keepdims", 4, 5, x => new GlobalAveragePooling2DLayer("gap", x, keepdims: true));
        var file = Write(model, SynthFileFormat.KerasH5, _dir);

        Assert.IsTrue(LayerEntry(file, "gap")["config"]!["keepdims"]!.GetValue<bool>());
        AssertReadBackComputesAsSynthesized(model, file);
        CollectionAssert.AreEqual(new[] { 1, 1, 5 }, model.Output.OutputShape);
    }

    [TestMethod]
    public void Max_pooling_config_has_the_keys_keras_2_10_writes()
    {
        var model = Model("maxpool_keys", 4, 2, x => new MaxPooling2DLayer("pool", x, pool: 2, stride: 2));
        AssertKeysAsInRealFile(Write(model, SynthFileFormat.KerasH5, _dir), "pool", "11_unet_superres_concat_upsample_k2.10.h5");
    }

    [TestMethod]
    public void Global_average_pooling_config_has_the_keys_keras_2_8_writes()
    {
        var model = Model("gap_keys", 4, 2, x => new GlobalAveragePooling2DLayer("gap", x));
        AssertKeysAsInRealFile(Write(model, SynthFileFormat.KerasH5, _dir), "gap", "01_st_mobilenet_v2_0.35_224_food101_k2.8.h5");
    }
}
