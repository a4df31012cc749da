using System.IO.Compression;
using System.Text.Json.Nodes;
using ModelBuild.Core.Synthesis;
using ModelBuild.Core.Tests.Layout;
using ModelBuild.TestSupport;
using PureHDF;

namespace ModelBuild.Core.Tests.Synthesis;

/// <summary>
/// A synthesized .keras has the shape of one real Keras 3.13 wrote (../shared/models/keras/14_*): the same zip
/// entries in the same order, uncompressed; the same keys, in the same order, for every layer class both models use;
/// and model.weights.h5 laid out as saving_lib does (layers/&lt;snake_case key&gt;/vars with the layer's name).
/// </summary>
[TestClass]
public sealed class SynthesizedKerasArchiveLayoutTests
{
    private static readonly string RealFile = Path.Combine(RepoPaths.KerasModels, "14_keras3.13_potato_cnn_nested_augmentation.keras");
    private static string _dir = "";
    private static string _synthesized = "";

    [ClassInitialize]
    public static void Init(TestContext _)
    {
        _dir = RepoPaths.NewScratchDirectory("synth-archive-layout");
        _synthesized = Path.Combine(_dir, "efficientnetb0.keras");
        KerasModelSynthesizer.Write(_synthesized, SynthArchitecture.EfficientNetB0, seed: 4,
            new SynthOptions { InputSize = 64, Classes = 10, CalibrationSize = 32, CalibrationImages = 1, Format = SynthFileFormat.KerasArchive });
    }

    [ClassCleanup]
    public static void Cleanup() => ResidualArtifacts.DeleteScratch(_dir);

    [TestMethod]
    public void Zip_entries_are_those_keras_writes_in_its_order_uncompressed()
    {
        CollectionAssert.AreEqual(Entries(RealFile), Entries(_synthesized));
        var metadata = JsonNode.Parse(KerasArchiveContents.Entry(_synthesized, "metadata.json"))!.AsObject();
        CollectionAssert.AreEqual(new[] { "keras_version", "date_saved" }, metadata.Select(p => p.Key).ToArray());
        StringAssert.StartsWith(metadata["keras_version"]!.GetValue<string>(), "3.");
    }

    [TestMethod]
    public void Every_layer_class_both_models_use_has_the_real_files_keys_in_its_order()
    {
        var real = LayersByClass(KerasArchiveContents.Config(RealFile));
        var ours = LayersByClass(KerasArchiveContents.Config(_synthesized));
        var shared = real.Keys.Intersect(ours.Keys).ToList();
        CollectionAssert.IsSubsetOf(new[] { "InputLayer", "Conv2D", "BatchNormalization", "Dropout", "GlobalAveragePooling2D", "Dense", "Rescaling" }, shared);
        foreach (var cls in shared)
        {
            CollectionAssert.AreEqual(Keys(real[cls]), Keys(ours[cls]), $"{cls}: keys of the layer entry");
            CollectionAssert.AreEqual(Keys(real[cls]["config"]), Keys(ours[cls]["config"]), $"{cls}: keys of its config");
            CollectionAssert.AreEqual(Keys(CallKwargs(real[cls])), Keys(CallKwargs(ours[cls])), $"{cls}: call kwargs");
        }

        var model = KerasArchiveContents.Config(_synthesized);
        CollectionAssert.AreEqual(new[] { "module", "class_name", "config", "registered_name", "build_config" }, Keys(model), "an uncompiled model has no compile_config");
        CollectionAssert.AreEqual(Keys(KerasArchiveContents.Config(RealFile)["config"]), Keys(model["config"]));
    }

    [TestMethod]
    public void Weights_live_under_layers_by_snake_case_key_with_the_layers_name()
    {
        using var h5 = H5File.Open(new MemoryStream(KerasArchiveContents.Entry(_synthesized, "model.weights.h5")));
        Assert.AreEqual("efficientnetb0", h5.Group("vars").Attribute("name").Read<string>());
        Assert.AreEqual("stem_conv", h5.Group("layers/conv2d/vars").Attribute("name").Read<string>());
        Assert.AreEqual("normalization", h5.Group("layers/normalization/vars").Attribute("name").Read<string>());
        Assert.AreEqual("block1a_dwconv", h5.Group("layers/depthwise_conv2d/vars").Attribute("name").Read<string>());
        Assert.AreEqual("top_conv", h5.Group("layers/conv2d_64/vars").Attribute("name").Read<string>(), "the 65th and last Conv2D, keyed in model.layers order");
        Assert.AreEqual("block1a_se_excite", h5.Group("layers/multiply/vars").Attribute("name").Read<string>(), "weightless layers get their group too");
        CollectionAssert.AreEqual(new ulong[] { 3, 3, 3, 32 }, h5.Dataset("layers/conv2d/vars/0").Space.Dimensions);
        Assert.AreEqual(4, h5.Group("layers/batch_normalization/vars").Children().Count(), "gamma, beta, moving mean, moving variance");
        Assert.AreEqual(0, h5.Dataset("layers/normalization/vars/2").Space.Dimensions.Length, "Normalization's count is a scalar");
        Assert.IsFalse(h5.LinkExists("layers/input_layer"), "Keras 3's model.layers has no InputLayer");
    }

    private static string[] Entries(string file)
    {
        using var zip = ZipFile.OpenRead(file);
        return zip.Entries.Select(e => $"{e.FullName} {(e.CompressedLength == e.Length ? "stored" : "deflated")}").ToArray();
    }

    private static Dictionary<string, JsonObject> LayersByClass(JsonObject model)
    {
        var byClass = new Dictionary<string, JsonObject>();
        foreach (var layer in model["config"]!["layers"]!.AsArray().Select(l => l!.AsObject()))
            byClass.TryAdd(layer["class_name"]!.GetValue<string>(), layer);
        return byClass;
    }

    private static JsonNode? CallKwargs(JsonObject layer) =>
        layer["inbound_nodes"] is JsonArray { Count: > 0 } nodes ? nodes[0]!["kwargs"] : null;

    private static string[] Keys(JsonNode? node) => node is JsonObject o ? o.Select(p => p.Key).ToArray() : [];
}
