using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using PureHDF;

namespace ModelBuild.Core.Tests.Keras;

/// <summary>
/// Writes small Keras 3 `.keras` archives as Keras 3 saves them: config.json (layers with `module`/`registered_name`,
/// `batch_shape`, `inbound_nodes` as `args` of `__keras_tensor__` with `keras_history`), metadata.json and
/// model.weights.h5 holding `layers/&lt;saving key&gt;/vars/&lt;i&gt;` (key: the snake_case class name, numbered).
/// </summary>
internal static class KerasArchiveTestModel
{
    public static JsonObject InputLayer(string name, params int?[] batchShape) => new()
    {
        ["module"] = "keras.layers",
        ["class_name"] = "InputLayer",
        ["config"] = new JsonObject
        {
            ["batch_shape"] = new JsonArray(batchShape.Select(d => d is null ? null : JsonValue.Create(d.Value)).ToArray<JsonNode?>()),
            ["dtype"] = "float32",
            ["sparse"] = false,
            ["name"] = name,
        },
        ["registered_name"] = null,
        ["name"] = name,
        ["inbound_nodes"] = new JsonArray(),
    };

    /// <summary>A layer; with <paramref name="inbound"/> (a Functional member) it gets one Keras 3 call node reading that layer.</summary>
    public static JsonObject Layer(string className, string name, JsonObject config, string? inbound = null)
    {
        config["name"] = name;
        config["trainable"] = true;
        config["dtype"] = new JsonObject
        {
            ["module"] = "keras",
            ["class_name"] = "DTypePolicy",
            ["config"] = new JsonObject { ["name"] = "float32" },
            ["registered_name"] = null,
        };
        var layer = new JsonObject
        {
            ["module"] = "keras.layers",
            ["class_name"] = className,
            ["config"] = config,
            ["registered_name"] = null,
            ["name"] = name,
        };
        if (inbound is not null) layer["inbound_nodes"] = CallNode(inbound);
        return layer;
    }

    public static JsonObject Sequential(string name, params JsonObject[] layers) => new()
    {
        ["module"] = "keras",
        ["class_name"] = "Sequential",
        ["config"] = new JsonObject { ["name"] = name, ["trainable"] = true, ["layers"] = new JsonArray(layers.ToArray<JsonNode?>()) },
        ["registered_name"] = null,
        ["name"] = name,
    };

    /// <summary>A Functional model (single input and output) with the given members, which carry their inbound nodes.</summary>
    public static JsonObject Functional(string name, string input, string output, params JsonObject[] layers) => new()
    {
        ["module"] = "keras.src.models.functional",
        ["class_name"] = "Functional",
        ["config"] = new JsonObject
        {
            ["name"] = name,
            ["trainable"] = true,
            ["layers"] = new JsonArray(layers.ToArray<JsonNode?>()),
            ["input_layers"] = new JsonArray(input, 0, 0),
            ["output_layers"] = new JsonArray(output, 0, 0),
        },
        ["registered_name"] = "Functional",
        ["name"] = name,
    };

    /// <summary>Makes a nested model a Functional member called on <paramref name="inbound"/>.</summary>
    public static JsonObject CalledOn(JsonObject model, string inbound)
    {
        model["inbound_nodes"] = CallNode(inbound);
        return model;
    }

    private static JsonArray CallNode(string inbound)
    {
        var tensor = new JsonObject
        {
            ["class_name"] = "__keras_tensor__",
            ["config"] = new JsonObject { ["shape"] = new JsonArray(), ["dtype"] = "float32", ["keras_history"] = new JsonArray(inbound, 0, 0) },
        };
        return new JsonArray(new JsonObject { ["args"] = new JsonArray(tensor), ["kwargs"] = new JsonObject() });
    }

    /// <summary>The model.weights.h5 bytes: each entry is a vars group path ("layers/conv2d/vars") and its arrays in order.</summary>
    public static byte[] WeightsFile(IEnumerable<(string VarsPath, (float[] Data, int[] Shape)[] Vars)> weights)
    {
        var file = new H5File();
        file["vars"] = new H5Group();
        foreach (var (varsPath, vars) in weights)
        {
            var group = GroupAt(file, varsPath);
            for (int i = 0; i < vars.Length; i++)
                group[i.ToString()] = new H5Dataset(vars[i].Data, fileDims: vars[i].Shape.Select(d => (ulong)d).ToArray());
        }

        var path = Path.GetTempFileName();
        try
        {
            file.Write(path);
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Writes a .keras zip with the given entries (null leaves an entry out), stored uncompressed like Keras does.</summary>
    public static string WriteArchive(string path, string? config, byte[]? weights, CompressionLevel level = CompressionLevel.NoCompression)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        Add(zip, "metadata.json", Encoding.UTF8.GetBytes("""{"keras_version": "3.13.2", "date_saved": "2026-01-01@00:00:00"}"""), level);
        if (config is not null) Add(zip, "config.json", Encoding.UTF8.GetBytes(config), level);
        if (weights is not null) Add(zip, "model.weights.h5", weights, level);
        return path;
    }

    public static string Write(string path, JsonObject config, IEnumerable<(string VarsPath, (float[] Data, int[] Shape)[] Vars)> weights) =>
        WriteArchive(path, config.ToJsonString(), WeightsFile(weights));

    /// <summary>Deterministic pseudo-random weights in [-0.5, 0.5).</summary>
    public static (float[] Data, int[] Shape) Random(int seed, params int[] shape)
    {
        var n = shape.Aggregate(1, (a, d) => a * d);
        return (Enumerable.Range(0, n).Select(i => (((i + 1) * 7919 * seed) % 1000) / 1000f - 0.5f).ToArray(), shape);
    }

    public static JsonObject Cfg(params (string Key, JsonNode? Value)[] entries)
    {
        var o = new JsonObject();
        foreach (var (k, v) in entries) o[k] = v;
        return o;
    }

    private static void Add(ZipArchive zip, string name, byte[] bytes, CompressionLevel level)
    {
        using var s = zip.CreateEntry(name, level).Open();
        s.Write(bytes);
    }

    private static H5Group GroupAt(H5Group root, string path)
    {
        var group = root;
        foreach (var part in path.Split('/'))
        {
            if (!group.TryGetValue(part, out var child))
            {
                child = new H5Group();
                group[part] = child;
            }

            group = (H5Group)child;
        }

        return group;
    }
}
