using System.Text.Json.Nodes;
using ModelBuild.Core.Synthesis;
using ModelBuild.Core.Synthesis.Layers;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.TestGraphs.SynthLayerTestGraphs;

namespace ModelBuild.Core.Tests.Synthesis;

/// <summary>
/// The config.json of a small synthesized model (every layer class the real Keras 3.13 file 14 also uses, and a
/// merge) against that file: the same keys in the same order, build_config where Keras writes it, and inbound
/// nodes in the args/kwargs form.
/// </summary>
[TestClass]
public sealed class Keras3ModelConfigTests
{
    private const string RealKeras313 = "14_keras3.13_potato_cnn_nested_augmentation.keras";

    private static readonly Lazy<JsonObject> Ours = new(() => JsonNode.Parse(Keras3ModelConfig.Json(Model("small_cnn", 8, 3, x =>
    {
        var scaled = new RescalingLayer("rescaling", x, 1.0 / 255, 0.0);
        var conv = new Conv2DLayer("conv", scaled, filters: 4, kernel: 3, same: true);
        var bn = new BatchNormalizationLayer("bn", conv, epsilon: 1e-3, momentum: 0.99);
        var add = new AddLayer("add", bn, new Conv2DLayer("shortcut", scaled, filters: 4, kernel: 1));
        var pool = new MaxPooling2DLayer("pool", add, pool: 2, stride: 2);
        var gap = new GlobalAveragePooling2DLayer("gap", new DropoutLayer("dropout", pool, 0.25));
        return new DenseLayer("dense", gap, units: 3);
    })))!.AsObject());

    private static JsonObject Real => KerasArchiveContents.Config(RepoPaths.KerasModel(RealKeras313));

    private static JsonObject Layer(JsonObject model, string name) =>
        model["config"]!["layers"]!.AsArray().Select(l => l!.AsObject()).First(l => l["name"]!.GetValue<string>() == name);

    [TestMethod]
    public void Model_object_has_the_real_files_keys_without_a_compile_config()
    {
        CollectionAssert.AreEqual(new[] { "module", "class_name", "config", "registered_name", "build_config" }, Keys(Ours.Value), "an uncompiled model has no compile_config");
        CollectionAssert.AreEqual(Keys(Real["config"]), Keys(Ours.Value["config"]));
    }

    [TestMethod]
    public void Input_and_output_layers_are_single_references_as_keras_3_writes_them()
    {
        Assert.AreEqual("[\"input_layer\",0,0]", Real["config"]!["input_layers"]!.ToJsonString(), "the real file's form");
        Assert.AreEqual("[\"input_1\",0,0]", Ours.Value["config"]!["input_layers"]!.ToJsonString());
        Assert.AreEqual("[\"dense\",0,0]", Ours.Value["config"]!["output_layers"]!.ToJsonString());
    }

    [TestMethod]
    public void Every_layer_class_both_models_use_has_the_real_files_keys_in_its_order()
    {
        var real = FirstByClass(Real);
        var ours = FirstByClass(Ours.Value);
        var shared = real.Keys.Intersect(ours.Keys).ToList();
        CollectionAssert.IsSubsetOf(new[] { "InputLayer", "Rescaling", "Conv2D", "BatchNormalization", "MaxPooling2D", "Dropout", "GlobalAveragePooling2D", "Dense" }, shared);
        foreach (var cls in shared)
        {
            CollectionAssert.AreEqual(Keys(real[cls]), Keys(ours[cls]), $"{cls}: keys of the layer entry (build_config where Keras writes it)");
            CollectionAssert.AreEqual(Keys(real[cls]["config"]), Keys(ours[cls]["config"]), $"{cls}: keys of its config");
            CollectionAssert.AreEqual(Keys(CallKwargs(real[cls])), Keys(CallKwargs(ours[cls])), $"{cls}: call kwargs");
        }
    }

    [TestMethod]
    public void Build_config_holds_the_input_shape_with_a_null_batch()
    {
        Assert.AreEqual("{\"input_shape\":[null,8,8,3]}", Layer(Ours.Value, "conv")["build_config"]!.ToJsonString());
    }

    [TestMethod]
    public void Merge_layer_is_called_with_a_list_of_tensors_and_built_with_a_list_of_shapes()
    {
        var add = Layer(Ours.Value, "add");

        Assert.AreEqual("{\"input_shape\":[[null,8,8,4],[null,8,8,4]]}", add["build_config"]!.ToJsonString());
        var args = add["inbound_nodes"]![0]!["args"]!.AsArray();
        Assert.HasCount(1, args, "one argument: the list");
        CollectionAssert.AreEqual(new[] { "bn", "shortcut" }, args[0]!.AsArray().Select(t => t!["config"]!["keras_history"]![0]!.GetValue<string>()).ToArray());
    }

    [TestMethod]
    public void Input_layer_has_no_inbound_nodes()
    {
        Assert.IsEmpty(Layer(Ours.Value, "input_1")["inbound_nodes"]!.AsArray());
    }

    private static Dictionary<string, JsonObject> FirstByClass(JsonObject model)
    {
        var byClass = new Dictionary<string, JsonObject>();
        foreach (var layer in model["config"]!["layers"]!.AsArray().Select(l => l!.AsObject()))
            byClass.TryAdd(layer["class_name"]!.GetValue<string>(), layer);
        return byClass;
    }

    private static JsonNode? CallKwargs(JsonObject layer) =>
        layer["inbound_nodes"] is JsonArray { Count: > 0 } nodes ? nodes[0]!["kwargs"] : null;
}
