using System.Text.Json.Nodes;
using ModelBuild.Core.Synthesis;
using ModelBuild.TestSupport;
using PureHDF;

namespace ModelBuild.Core.Tests.Synthesis;

/// <summary>The synthesizer writes model_config as Python's json.dumps does; checked against configs real Keras wrote.</summary>
[TestClass]
public sealed class PythonJsonTests
{
    [TestMethod]
    [DataRow(6.0, "6.0")]
    [DataRow(0.0, "0.0")]
    [DataRow(0.99, "0.99")]
    [DataRow(0.999, "0.999")]
    [DataRow(0.001, "0.001")]
    [DataRow(0.0001, "0.0001")]
    [DataRow(1.001e-5, "1.001e-05")]
    [DataRow(1e-5, "1e-05")]
    [DataRow(9.999999747378752e-05, "9.999999747378752e-05")]
    [DataRow(123.5, "123.5")]
    [DataRow(1e16, "1e+16")]
    [DataRow(1234567890123456.0, "1234567890123456.0")]
    [DataRow(-2.5e-7, "-2.5e-07")]
    [DataRow(1.0000000656873453e-05, "1.0000000656873453e-05")]
    public void Floats_are_written_in_python_repr(double value, string expected) => Assert.AreEqual(expected, PythonJson.FloatRepr(value));

    [TestMethod]
    public void Separators_types_and_escapes_match_json_dumps()
    {
        var node = new JsonObject
        {
            ["a"] = new JsonArray(null, 224, 1.5, true, "x\"y"),
            ["b"] = new JsonObject(),
            ["c"] = new JsonArray(),
            ["é"] = "\u00e9\n",
        };
        Assert.AreEqual("{\"a\": [null, 224, 1.5, true, \"x\\\"y\"], \"b\": {}, \"c\": [], \"\\u00e9\": \"\\u00e9\\n\"}", PythonJson.Serialize(node));
    }

    [TestMethod]
    [DataRow("01_st_mobilenet_v2_0.35_224_food101_k2.8.h5")]
    [DataRow("02_keras_apps_mobilenet_v1_0.25_224_imagenet_k2.8.h5")]
    [DataRow("03_mlperf_tiny_resnet8_cifar10_k2.4.h5")]
    [DataRow("11_unet_superres_concat_upsample_k2.10.h5")]
    public void A_real_keras_model_config_is_reproduced_character_for_character(string file)
    {
        using var h5 = H5File.OpenRead(RepoPaths.KerasModel(file));
        var original = h5.Attribute("model_config").Read<string>();
        Assert.AreEqual(original, PythonJson.Serialize(JsonNode.Parse(original)));
    }
}
