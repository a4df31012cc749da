using System.Text.Json.Nodes;
using PureHDF;

namespace ModelBuild.Sdk.Tests;

/// <summary>
/// A tiny Keras 2 Functional .h5 whose int8 model has an operation the Edge TPU does not run: 16×16×3 input →
/// Conv2D(8, relu) → LeakyReLU → Conv2D(8, relu) → GlobalAveragePooling2D → Dense(4, softmax). None of the shared
/// real-world models has such an operation (their every op maps), so the "not all operations map" path needs this one.
/// LEAKY_RELU is not in Coral's supported-operations table; cutting at "leaky" leaves it in segment 1 only.
/// </summary>
public static class LeakyReluKerasModel
{
    public const string CutAfterLeakyRelu = "leaky";

    public static string Write(string path)
    {
        var layers = new JsonArray
        {
            Layer("InputLayer", "input", new JsonObject { ["batch_input_shape"] = new JsonArray(null, 16, 16, 3), ["dtype"] = "float32" }),
            Layer("Conv2D", "conv1", Conv(8), "input"),
            Layer("LeakyReLU", "leaky", new JsonObject { ["alpha"] = 0.2 }, "conv1"),
            Layer("Conv2D", "conv2", Conv(8), "leaky"),
            Layer("GlobalAveragePooling2D", "gap", new JsonObject(), "conv2"),
            Layer("Dense", "dense", new JsonObject { ["units"] = 4, ["activation"] = "softmax", ["use_bias"] = true }, "gap"),
        };
        var config = new JsonObject
        {
            ["class_name"] = "Functional",
            ["config"] = new JsonObject
            {
                ["name"] = "leaky_relu_net",
                ["layers"] = layers,
                ["input_layers"] = new JsonArray(new JsonArray("input", 0, 0)),
                ["output_layers"] = new JsonArray(new JsonArray("dense", 0, 0)),
            },
            ["keras_version"] = "2.8.0",
            ["backend"] = "tensorflow",
        };

        var weights = new H5Group
        {
            ["conv1"] = Weights("conv1", ("kernel", [3, 3, 3, 8]), ("bias", [8])),
            ["conv2"] = Weights("conv2", ("kernel", [3, 3, 8, 8]), ("bias", [8])),
            ["dense"] = Weights("dense", ("kernel", [8, 4]), ("bias", [4])),
        };
        var file = new H5File { ["model_weights"] = weights };
        file.Attributes["model_config"] = config.ToJsonString();
        file.Write(path);
        return path;
    }

    private static JsonObject Conv(int filters) => new()
    {
        ["filters"] = filters,
        ["kernel_size"] = new JsonArray(3, 3),
        ["strides"] = new JsonArray(1, 1),
        ["padding"] = "same",
        ["dilation_rate"] = new JsonArray(1, 1),
        ["activation"] = "relu",
        ["use_bias"] = true,
    };

    private static JsonObject Layer(string className, string name, JsonObject config, string? inbound = null)
    {
        config["name"] = name;
        var nodes = inbound is null ? new JsonArray() : new JsonArray(new JsonArray(new JsonArray(inbound, 0, 0, new JsonObject())));
        return new JsonObject { ["class_name"] = className, ["name"] = name, ["config"] = config, ["inbound_nodes"] = nodes };
    }

    /// <summary>A layer's weight group: datasets under &lt;layer&gt;/&lt;name&gt;:0 and the weight_names attribute, values small and deterministic.</summary>
    private static H5Group Weights(string layer, params (string Name, int[] Shape)[] weights)
    {
        var inner = new H5Group();
        foreach (var (name, shape) in weights)
        {
            int n = shape.Aggregate(1, (a, d) => a * d);
            var data = Enumerable.Range(0, n).Select(i => ((i * 37 + name.Length * 11) % 101 - 50) / 200f).ToArray();
            inner[name + ":0"] = new H5Dataset(data, fileDims: shape.Select(d => (ulong)d).ToArray());
        }

        var group = new H5Group { [layer] = inner };
        group.Attributes["weight_names"] = weights.Select(w => $"{layer}/{w.Name}:0").ToArray();
        return group;
    }
}
