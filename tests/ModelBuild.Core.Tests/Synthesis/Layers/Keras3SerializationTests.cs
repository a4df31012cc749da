using System.Text.Json.Nodes;
using ModelBuild.Core.Synthesis.Layers;
using static ModelBuild.Core.Tests.TestGraphs.SynthLayerTestGraphs;

namespace ModelBuild.Core.Tests.Synthesis.Layers;

/// <summary>Keras 3's serialized objects (dtype policy, initializers with a module, tensor references) against a real Keras 3.13 config.</summary>
[TestClass]
public sealed class Keras3SerializationTests
{
    private const string RealKeras313 = "14_keras3.13_potato_cnn_nested_augmentation.keras";

    [TestMethod]
    public void Upgrade_turns_the_dtype_string_into_the_policy_object_keras_3_13_writes()
    {
        var config = new JsonObject { ["name"] = "conv", ["dtype"] = "float32" };
        Keras3Serialization.Upgrade(config);

        var real = RealLayerEntry(RealKeras313, "Conv2D")["config"]!["dtype"]!;
        CollectionAssert.AreEqual(Keys(real), Keys(config["dtype"]));
        Assert.AreEqual("DTypePolicy", config["dtype"]!["class_name"]!.GetValue<string>());
        Assert.AreEqual("float32", config["dtype"]!["config"]!["name"]!.GetValue<string>());
    }

    [TestMethod]
    public void Upgrade_gives_initializers_the_module_and_keys_keras_3_13_writes()
    {
        var config = new JsonObject { ["kernel_initializer"] = new JsonObject { ["class_name"] = "GlorotUniform", ["config"] = new JsonObject { ["seed"] = null } } };
        Keras3Serialization.Upgrade(config);

        var real = RealLayerEntry(RealKeras313, "Conv2D")["config"]!["kernel_initializer"]!;
        CollectionAssert.AreEqual(Keys(real), Keys(config["kernel_initializer"]));
        Assert.AreEqual("keras.initializers", config["kernel_initializer"]!["module"]!.GetValue<string>());
        Assert.AreEqual("{\"seed\":null}", config["kernel_initializer"]!["config"]!.ToJsonString());
    }

    [TestMethod]
    public void Upgrade_leaves_an_object_that_has_a_module_alone()
    {
        var already = new JsonObject { ["module"] = "keras.initializers", ["class_name"] = "Zeros", ["config"] = new JsonObject(), ["registered_name"] = null };
        var config = new JsonObject { ["bias_initializer"] = already.DeepClone() };
        Keras3Serialization.Upgrade(config);

        Assert.IsTrue(JsonNode.DeepEquals(already, config["bias_initializer"]));
    }

    [TestMethod]
    public void Every_dtype_policy_has_one_shared_object_id()
    {
        Assert.AreEqual(Keras3Serialization.DTypePolicy()["shared_object_id"]!.GetValue<long>(), Keras3Serialization.DTypePolicy()["shared_object_id"]!.GetValue<long>());
    }

    [TestMethod]
    public void Keras_tensor_refers_to_output_zero_of_the_layer_with_a_null_batch()
    {
        var tensor = Keras3Serialization.KerasTensor(new InputLayerSpec("input_1", 4, 5, 3));

        Assert.AreEqual("__keras_tensor__", tensor["class_name"]!.GetValue<string>());
        Assert.AreEqual("[null,4,5,3]", tensor["config"]!["shape"]!.ToJsonString());
        Assert.AreEqual("[\"input_1\",0,0]", tensor["config"]!["keras_history"]!.ToJsonString());
        var real = RealLayerEntry(RealKeras313, "Conv2D")["inbound_nodes"]![0]!["args"]![0]!;
        CollectionAssert.AreEqual(Keys(real), Keys(tensor));
        CollectionAssert.AreEqual(Keys(real["config"]), Keys(tensor["config"]));
    }
}
