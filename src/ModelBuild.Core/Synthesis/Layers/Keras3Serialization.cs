using System.Text.Json.Nodes;

namespace ModelBuild.Core.Synthesis.Layers;

/// <summary>
/// The objects Keras 3's serialization_lib writes where Keras 2 wrote plain values: the dtype policy, initializers
/// with their module, and <c>__keras_tensor__</c> references in inbound nodes.
/// </summary>
internal static class Keras3Serialization
{
    /// <summary>
    /// Every layer of a keras.applications model shares the global float32 policy, so Keras writes it with one
    /// shared_object_id (a Python object id; any fixed number serves).
    /// </summary>
    private const long SharedPolicyId = 139_874_512_345_680;

    public static JsonObject DTypePolicy() => new()
    {
        ["module"] = "keras",
        ["class_name"] = "DTypePolicy",
        ["config"] = new JsonObject { ["name"] = "float32" },
        ["registered_name"] = null,
        ["shared_object_id"] = SharedPolicyId,
    };

    /// <summary>Turns a Keras 2 layer config into Keras 3's form in place: dtype policy object, initializers with a module.</summary>
    public static void Upgrade(JsonObject config)
    {
        if (config["dtype"] is JsonValue) config["dtype"] = DTypePolicy();
        foreach (var key in config.Select(p => p.Key).ToList())
        {
            if (config[key] is JsonObject o && o.ContainsKey("class_name") && !o.ContainsKey("module"))
                config[key] = new JsonObject
                {
                    ["module"] = "keras.initializers",
                    ["class_name"] = o["class_name"]!.GetValue<string>(),
                    ["config"] = o["config"]!.DeepClone(),
                    ["registered_name"] = null,
                };
        }
    }

    /// <summary>A reference to output 0 of <paramref name="layer"/>'s first call, with its shape (batch null).</summary>
    public static JsonObject KerasTensor(SynthLayer layer) => new()
    {
        ["class_name"] = "__keras_tensor__",
        ["config"] = new JsonObject
        {
            ["shape"] = BatchShape(layer.OutputShape),
            ["dtype"] = "float32",
            ["keras_history"] = new JsonArray(layer.Name, 0, 0),
        },
    };

    public static JsonArray BatchShape(int[] shape) => [null, .. shape.Select(d => (JsonNode)d)];
}
