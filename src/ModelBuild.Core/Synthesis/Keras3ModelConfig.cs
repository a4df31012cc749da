using System.Text.Json.Nodes;
using ModelBuild.Core.Synthesis.Layers;

namespace ModelBuild.Core.Synthesis;

/// <summary>
/// A synthesized model's config.json as Keras 3 writes it (saving_lib → serialization_lib): the Functional object
/// with module and registered_name, each layer with module, config, registered_name, build_config (for layers that
/// define build()), name and inbound_nodes in the args/kwargs form with <c>__keras_tensor__</c> references.
/// </summary>
internal static class Keras3ModelConfig
{
    public static string Json(SynthModel model)
    {
        var layers = new JsonArray();
        foreach (var layer in model.Layers)
        {
            var entry = new JsonObject
            {
                ["module"] = layer.Keras3Module,
                ["class_name"] = layer.ClassName,
                ["config"] = layer.Keras3Config(),
                ["registered_name"] = layer.Keras3RegisteredName,
            };
            if (layer.Keras3HasBuildConfig) entry["build_config"] = new JsonObject { ["input_shape"] = BuildShape(layer) };
            entry["name"] = layer.Name;
            var inbound = new JsonArray();
            if (layer.Inputs.Count > 0)
                inbound.Add(new JsonObject
                {
                    ["args"] = layer.Keras3CallArgs(layer.Inputs.Select(i => (JsonNode)Keras3Serialization.KerasTensor(i)).ToList()),
                    ["kwargs"] = layer.Keras3CallKwargs(),
                });
            entry["inbound_nodes"] = inbound;
            layers.Add(entry);
        }

        var root = new JsonObject
        {
            ["module"] = "keras.src.models.functional",
            ["class_name"] = "Functional",
            ["config"] = new JsonObject
            {
                ["name"] = model.Name,
                ["trainable"] = true,
                ["layers"] = layers,
                ["input_layers"] = new JsonArray(model.Input.Name, 0, 0),
                ["output_layers"] = new JsonArray(model.Output.Name, 0, 0),
            },
            ["registered_name"] = "Functional",
            ["build_config"] = new JsonObject { ["input_shape"] = null },
        };
        return PythonJson.Serialize(root);
    }

    /// <summary>The input shape build() saw: one shape, or a list of shapes for a merge layer.</summary>
    private static JsonNode BuildShape(SynthLayer layer) =>
        layer.Inputs.Count == 1
            ? Keras3Serialization.BatchShape(layer.Inputs[0].OutputShape)
            : new JsonArray([.. layer.Inputs.Select(i => (JsonNode)Keras3Serialization.BatchShape(i.OutputShape))]);
}
