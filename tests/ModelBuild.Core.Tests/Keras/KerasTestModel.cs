using System.Text.Json.Nodes;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using PureHDF;

namespace ModelBuild.Core.Tests.Keras;

/// <summary>
/// Builds small Keras 2 style full-model .h5 files (Functional config in the list inbound format, weights under
/// `model_weights/&lt;layer&gt;` with a `weight_names` attribute) for tests that need a particular layer or a broken file.
/// </summary>
internal sealed class KerasTestModel
{
    private readonly JsonArray _layers = [];
    private readonly List<string> _inputs = [];
    private readonly List<(string Layer, string WeightName, float[] Data, int[] Shape)> _weights = [];

    /// <summary>Adds an InputLayer with shape (H, W, C) or (N); use -1 for an undefined dimension.</summary>
    public KerasTestModel Input(string name, params int[] shape)
    {
        var batchShape = new JsonArray { null };
        foreach (var d in shape) batchShape.Add(d < 0 ? null : JsonValue.Create(d));
        _layers.Add(new JsonObject
        {
            ["class_name"] = "InputLayer",
            ["name"] = name,
            ["config"] = new JsonObject { ["batch_input_shape"] = batchShape, ["dtype"] = "float32", ["name"] = name },
            ["inbound_nodes"] = new JsonArray(),
        });
        _inputs.Add(name);
        return this;
    }

    /// <summary>Adds a layer called once per entry of <paramref name="calls"/> (each call: its inbound layer names).</summary>
    public KerasTestModel Layer(string className, string name, JsonObject config, params string[][] calls)
    {
        config["name"] = name;
        var nodes = new JsonArray();
        foreach (var call in calls)
        {
            var refs = new JsonArray();
            foreach (var inbound in call)
            {
                // "layer" means call 0 of that layer; "layer@1" means its second call.
                var parts = inbound.Split('@');
                refs.Add(new JsonArray(parts[0], parts.Length > 1 ? int.Parse(parts[1]) : 0, 0, new JsonObject()));
            }

            nodes.Add(refs);
        }

        _layers.Add(new JsonObject { ["class_name"] = className, ["name"] = name, ["config"] = config, ["inbound_nodes"] = nodes });
        return this;
    }

    /// <summary>Adds a layer with a single call reading <paramref name="inbound"/>.</summary>
    public KerasTestModel Layer(string className, string name, JsonObject config, string inbound) =>
        Layer(className, name, config, [inbound]);

    /// <summary>A Keras 2 TFOpLambda `function(inbound, y)`; <paramref name="y"/> is a number, a list, or [layer, node, tensor].</summary>
    public KerasTestModel TfOp(string name, string function, string inbound, JsonNode y)
    {
        var call = new JsonArray(new JsonArray(inbound, 0, 0, new JsonObject { ["y"] = y, ["name"] = null }));
        _layers.Add(new JsonObject
        {
            ["class_name"] = "TFOpLambda",
            ["name"] = name,
            ["config"] = new JsonObject { ["name"] = name, ["trainable"] = true, ["dtype"] = "float32", ["function"] = function },
            ["inbound_nodes"] = new JsonArray(call),
        });
        return this;
    }

    public KerasTestModel Weight(string layer, string shortName, int[] shape, float[] data)
    {
        _weights.Add((layer, $"{layer}/{shortName}:0", data, shape));
        return this;
    }

    /// <summary>A weight with deterministic pseudo-random values in [-0.5, 0.5).</summary>
    public KerasTestModel Weight(string layer, string shortName, params int[] shape)
    {
        var n = shape.Aggregate(1, (a, d) => a * d);
        var seed = _weights.Count + 1;
        var data = Enumerable.Range(0, n).Select(i => (((i + 1) * 7919 * seed) % 1000) / 1000f - 0.5f).ToArray();
        return Weight(layer, shortName, shape, data);
    }

    public JsonObject Config(params string[] outputs) => new()
    {
        ["class_name"] = "Functional",
        ["config"] = new JsonObject
        {
            ["name"] = "test_model",
            ["layers"] = _layers.DeepClone(),
            ["input_layers"] = new JsonArray(_inputs.Select(i => (JsonNode)new JsonArray(i, 0, 0)).ToArray()),
            ["output_layers"] = new JsonArray(outputs.Select(o => (JsonNode)new JsonArray(o, 0, 0)).ToArray()),
        },
        ["keras_version"] = "2.8.0",
        ["backend"] = "tensorflow",
    };

    /// <summary>Writes the model to <paramref name="path"/>; <paramref name="config"/> null leaves out `model_config`.</summary>
    public string Write(string path, params string[] outputs) => WriteFile(path, Config(outputs).ToJsonString(), _weights);

    public static string WriteFile(string path, string? modelConfig, IEnumerable<(string Layer, string WeightName, float[] Data, int[] Shape)> weights)
    {
        var file = new H5File();
        if (modelConfig is not null) file.Attributes["model_config"] = modelConfig;
        var modelWeights = new H5Group();
        foreach (var layer in weights.GroupBy(w => w.Layer))
        {
            var group = new H5Group();
            group.Attributes["weight_names"] = layer.Select(w => w.WeightName).ToArray();
            foreach (var (_, weightName, data, shape) in layer)
                Place(group, weightName, new H5Dataset(data, fileDims: shape.Select(d => (ulong)d).ToArray()));
            modelWeights[layer.Key] = group;
        }

        file["model_weights"] = modelWeights;
        file.Write(path);
        return path;
    }

    private static void Place(H5Group group, string path, H5Dataset dataset)
    {
        var parts = path.Split('/');
        for (int i = 0; i < parts.Length - 1; i++)
        {
            if (!group.TryGetValue(parts[i], out var child))
            {
                child = new H5Group();
                group[parts[i]] = child;
            }

            group = (H5Group)child;
        }

        group[parts[^1]] = dataset;
    }

    public static JsonObject Cfg(params (string Key, JsonNode? Value)[] entries)
    {
        var o = new JsonObject();
        foreach (var (k, v) in entries) o[k] = v;
        return o;
    }

    /// <summary>Runs a read model in float, its inputs in the order of <see cref="ModelGraph.Inputs"/>, and returns its first output.</summary>
    public static float[] Run(ModelGraph g, params float[][] inputs)
    {
        var feed = g.Inputs.Select((t, i) => (t, inputs[i])).ToDictionary(p => p.t, p => p.Item2);
        return new FloatExecutor(g).Run(feed)[g.Outputs[0]];
    }

    /// <summary>Outputs worked out by hand agree to within 1e-5.</summary>
    public static void AssertClose(float[] expected, float[] actual, string what) => FloatOutputAssert.Close(expected, actual, 1e-5, what);
}
