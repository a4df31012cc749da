using ModelBuild.Core.Synthesis;
using ModelBuild.Core.Tests.Layout;
using ModelBuild.TestSupport;
using PureHDF;

namespace ModelBuild.Core.Tests.Synthesis;

/// <summary>
/// The HDF5 layout of a synthesized file against a file real Keras 2.10 wrote (../shared/models/keras/11_*):
/// the same attributes with the same type classes and ranks, the same group structure, contiguous float32 weights.
/// </summary>
[TestClass]
public sealed class KerasH5WriterTests
{
    private const string RealKeras210 = "11_unet_superres_concat_upsample_k2.10.h5";
    private static string _dir = "";
    private static string _file = "";

    [ClassInitialize]
    public static void Init(TestContext _)
    {
        _dir = RepoPaths.NewScratchDirectory("synth-layout");
        _file = Path.Combine(_dir, "mobilenet.h5");
        KerasModelSynthesizer.Write(_file, SynthArchitecture.MobileNetV2, seed: 2, new SynthOptions { InputSize = 96, Classes = 10, CalibrationSize = 64 });
    }

    [ClassCleanup]
    public static void Cleanup() => ResidualArtifacts.DeleteScratch(_dir);

    private static string Describe(IH5Attribute a) => $"{a.Type.Class}, rank {a.Space.Rank}";

    [TestMethod]
    public void Root_and_model_weights_attributes_have_the_types_keras_writes()
    {
        using var real = H5File.OpenRead(RepoPaths.KerasModel(RealKeras210));
        using var ours = H5File.OpenRead(_file);

        foreach (var name in new[] { "backend", "keras_version", "model_config" })
            Assert.AreEqual(Describe(real.Attribute(name)), Describe(ours.Attribute(name)), $"root attribute {name}");
        CollectionAssert.AreEquivalent(new[] { "backend", "keras_version", "model_config" }, ours.Attributes().Select(a => a.Name).ToArray(),
            "no training_config: an uncompiled keras.applications model has none");
        Assert.AreEqual("tensorflow", ours.Attribute("backend").Read<string>());
        Assert.AreEqual("2.10.0", ours.Attribute("keras_version").Read<string>());

        var realWeights = real.Group("model_weights");
        var ourWeights = ours.Group("model_weights");
        CollectionAssert.AreEquivalent(realWeights.Attributes().Select(a => a.Name).ToArray(), ourWeights.Attributes().Select(a => a.Name).ToArray());
        foreach (var a in realWeights.Attributes())
            Assert.AreEqual(Describe(a), Describe(ourWeights.Attribute(a.Name)), $"model_weights attribute {a.Name}");
    }

    [TestMethod]
    public void Layer_groups_follow_keras_layer_names_weight_names_and_dataset_layout()
    {
        using var real = H5File.OpenRead(RepoPaths.KerasModel(RealKeras210));
        using var ours = H5File.OpenRead(_file);
        var weights = ours.Group("model_weights");

        var layerNames = weights.Attribute("layer_names").Read<string[]>();
        var configNames = KerasFileContents.LayerNames(_file);
        CollectionAssert.AreEqual(configNames, layerNames, "layer_names lists model.layers in config order");
        CollectionAssert.AreEquivalent(layerNames.Append("top_level_model_weights").ToArray(), weights.Children().Select(c => c.Name).ToArray());

        // A layer without weights: an empty float64 weight_names array, as h5py stores an empty list.
        var realEmpty = real.Group("model_weights").Group("input_1").Attribute("weight_names");
        foreach (var group in new[] { "input_1", "Conv1_relu", "top_level_model_weights" })
        {
            var a = weights.Group(group).Attribute("weight_names");
            Assert.AreEqual(Describe(realEmpty), Describe(a), group);
            Assert.AreEqual(realEmpty.Type.Size, a.Type.Size, group);
            Assert.AreEqual(0UL, a.Space.Dimensions[0], group);
            Assert.IsEmpty(weights.Group(group).Children(), group);
        }

        var realConv = real.Group("model_weights").Group("conv2d");
        var conv = weights.Group("block_1_expand");
        Assert.AreEqual(Describe(realConv.Attribute("weight_names")), Describe(conv.Attribute("weight_names")));
        CollectionAssert.AreEqual(new[] { "block_1_expand/kernel:0" }, conv.Attribute("weight_names").Read<string[]>());
        var realKernel = realConv.Dataset("conv2d/kernel:0");
        var kernel = conv.Dataset("block_1_expand/kernel:0");
        Assert.AreEqual(realKernel.Type.Class, kernel.Type.Class);
        Assert.AreEqual(realKernel.Type.Size, kernel.Type.Size);
        Assert.AreEqual(realKernel.Layout.Class, kernel.Layout.Class);
        CollectionAssert.AreEqual(new ulong[] { 1, 1, 16, 96 }, kernel.Space.Dimensions);

        CollectionAssert.AreEqual(
            new[] { "block_1_expand_BN/gamma:0", "block_1_expand_BN/beta:0", "block_1_expand_BN/moving_mean:0", "block_1_expand_BN/moving_variance:0" },
            weights.Group("block_1_expand_BN").Attribute("weight_names").Read<string[]>());
        CollectionAssert.AreEqual(new[] { "predictions/kernel:0", "predictions/bias:0" }, weights.Group("predictions").Attribute("weight_names").Read<string[]>());
        CollectionAssert.AreEqual(new ulong[] { 1280, 10 }, weights.Group("predictions").Dataset("predictions/kernel:0").Space.Dimensions);
        CollectionAssert.AreEqual(new ulong[] { 3, 3, 96, 1 }, weights.Group("block_1_depthwise").Dataset("block_1_depthwise/depthwise_kernel:0").Space.Dimensions);
    }

    [TestMethod]
    public void Model_config_is_written_as_python_json_dumps_writes_it()
    {
        using var ours = H5File.OpenRead(_file);
        var text = ours.Attribute("model_config").Read<string>();
        StringAssert.StartsWith(text, "{\"class_name\": \"Functional\", \"config\": {\"name\": \"mobilenetv2_1.00_96\", \"layers\": [{\"class_name\": \"InputLayer\", \"config\": {\"batch_input_shape\": [null, 96, 96, 3], \"dtype\": \"float32\", \"sparse\": false, \"ragged\": false, \"name\": \"input_1\"}, \"name\": \"input_1\", \"inbound_nodes\": []}, ");
        StringAssert.EndsWith(text, "\"input_layers\": [[\"input_1\", 0, 0]], \"output_layers\": [[\"predictions\", 0, 0]]}}");
        StringAssert.Contains(text, "\"momentum\": 0.999, \"epsilon\": 0.001,");
        StringAssert.Contains(text, "\"max_value\": 6.0, \"negative_slope\": 0.0, \"threshold\": 0.0}");
    }
}
