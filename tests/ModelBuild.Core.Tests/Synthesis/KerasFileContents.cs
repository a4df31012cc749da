using System.Text.Json.Nodes;
using PureHDF;

namespace ModelBuild.Core.Tests.Synthesis;

/// <summary>What a Keras .h5 holds, read with PureHDF: its model_config, its layers in config order, its parameter count.</summary>
internal static class KerasFileContents
{
    public static JsonObject ModelConfig(string file)
    {
        using var h5 = H5File.OpenRead(file);
        return JsonNode.Parse(h5.Attribute("model_config").Read<string>())!.AsObject();
    }

    /// <summary>The layer objects of model_config, in model.layers order.</summary>
    public static JsonArray Layers(string file) => ModelConfig(file)["config"]!["layers"]!.AsArray();

    public static string[] LayerNames(string file) => Layers(file).Select(l => l!["name"]!.GetValue<string>()).ToArray();

    /// <summary>Every weight in model_weights, moving statistics included, as model.count_params() counts them.</summary>
    public static long CountParameters(string file)
    {
        using var h5 = H5File.OpenRead(file);
        long count = 0;
        void Visit(IH5Group group)
        {
            foreach (var child in group.Children())
            {
                if (child is IH5Group g) Visit(g);
                else if (child is IH5Dataset d) count += d.Space.Dimensions.Aggregate(1L, (a, x) => a * (long)x);
            }
        }

        Visit(h5.Group("model_weights"));
        return count;
    }
}
