using System.Text.Json.Nodes;
using ModelBuild.Core.Keras;

namespace ModelBuild.Core.Tests.Keras;

/// <summary>Typed reads of a layer config in the Keras 2 and Keras 3 spellings.</summary>
[TestClass]
public sealed class KerasConfigTests
{
    private static KerasConfig Config(string json) => new(JsonNode.Parse(json)!.AsObject());

    [TestMethod]
    public void Pair_reads_a_list_or_repeats_a_single_number()
    {
        Assert.AreEqual((3, 5), Config("""{"k": [3, 5]}""").Pair("k"));
        Assert.AreEqual((2, 2), Config("""{"k": 2}""").Pair("k"));
    }

    [TestMethod]
    public void Pair_is_null_when_absent_or_json_null()
    {
        Assert.IsNull(Config("""{"k": null}""").Pair("k"));
        Assert.IsNull(Config("{}").Pair("k"));
    }

    [TestMethod]
    public void IntList_reads_null_entries_as_minus_one()
    {
        CollectionAssert.AreEqual(new[] { -1, 7, 3 }, Config("""{"s": [null, 7, 3.0]}""").IntList("s"));
    }

    [TestMethod]
    public void Activation_reads_a_name_or_a_keras3_serialized_object()
    {
        Assert.AreEqual("relu", Config("""{"activation": "relu"}""").Activation());
        Assert.AreEqual("swish", Config("""{"activation": {"module": "keras.activations", "class_name": "function", "config": "swish"}}""").Activation());
        Assert.AreEqual("ReLU", Config("""{"activation": {"class_name": "ReLU", "config": {"max_value": 6}}}""").Activation());
    }

    [TestMethod]
    public void A_missing_activation_is_linear()
    {
        Assert.AreEqual("linear", Config("{}").Activation());
    }

    [TestMethod]
    [DataRow("""{"batch_input_shape": [null, 224, 224, 3]}""", DisplayName = "Keras 2 batch_input_shape")]
    [DataRow("""{"batch_shape": [null, 224, 224, 3]}""", DisplayName = "Keras 3 batch_shape")]
    [DataRow("""{"input_shape": [224, 224, 3]}""", DisplayName = "input_shape without the batch")]
    public void BatchInputShape_reads_every_spelling_with_an_undefined_batch(string json)
    {
        CollectionAssert.AreEqual(new int?[] { null, 224, 224, 3 }, Config(json).BatchInputShape());
    }

    [TestMethod]
    public void Bool_and_String_fall_back_on_other_types()
    {
        var c = Config("""{"b": "yes", "s": 3}""");
        Assert.IsTrue(c.Bool("b", true));
        Assert.AreEqual("fallback", c.String("s", "fallback"));
    }
}
