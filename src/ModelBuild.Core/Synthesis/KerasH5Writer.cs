using ModelBuild.Core.Synthesis.Layers;
using PureHDF;

namespace ModelBuild.Core.Synthesis;

/// <summary>
/// Writes a synthesized model in the layout of Keras 2's <c>model.save("x.h5")</c>: root attributes
/// <c>backend</c>, <c>keras_version</c>, <c>model_config</c>; group <c>model_weights</c> with <c>layer_names</c>,
/// <c>backend</c>, <c>keras_version</c>; one group per layer (sorted by name) with a <c>weight_names</c> attribute
/// (an empty float64 array when the layer has none) and its float32 datasets at <c>&lt;layer&gt;/&lt;layer&gt;/kernel:0</c>;
/// and the empty <c>top_level_model_weights</c> group. Datasets are contiguous, as h5py writes them.
/// Strings are variable-length like Keras' own, but UTF-8 and null-padded (all PureHDF 2.2 writes) where h5py
/// writes most of them as ASCII, null-terminated; h5py 3 and Keras 2 read both alike. A "/" in a layer name
/// (DenseNet's "conv1/conv") makes nested groups, as h5py's create_group does.
/// </summary>
internal static class KerasH5Writer
{
    public const string KerasVersion = "2.10.0";
    public const string Backend = "tensorflow";

    public static void Write(string path, SynthModel model)
    {
        var weights = new H5Group();
        foreach (var layer in model.Layers.OrderBy(l => l.Name, StringComparer.Ordinal))
        {
            // h5py makes a "/" in a name (Keras 2's MobileNetV3: "Conv/BatchNorm") a path of nested groups, for the
            // layer's group and for each weight inside it.
            var group = GroupAt(weights, layer.Name);
            var names = layer.Weights.Select(w => $"{layer.Name}/{w.Name}:0").ToArray();
            group.Attributes = new Dictionary<string, object> { ["weight_names"] = names.Length > 0 ? names : Array.Empty<double>() };
            foreach (var (w, name) in layer.Weights.Zip(names))
            {
                var at = name.LastIndexOf('/');
                GroupAt(group, name[..at])[name[(at + 1)..]] = Dataset(w);
            }
        }

        weights["top_level_model_weights"] = new H5Group { Attributes = new Dictionary<string, object> { ["weight_names"] = Array.Empty<double>() } };
        weights.Attributes = new Dictionary<string, object>
        {
            ["layer_names"] = model.Layers.Select(l => l.Name).ToArray(),
            ["backend"] = Backend,
            ["keras_version"] = KerasVersion,
        };

        var file = new H5File { ["model_weights"] = weights };
        file.Attributes = new Dictionary<string, object>
        {
            ["backend"] = Backend,
            ["keras_version"] = KerasVersion,
            ["model_config"] = model.ModelConfigJson(),
        };

        file.Write(path, new H5WriteOptions(PreferCompactDatasetLayout: false));
    }

    /// <summary>The group at a "/"-separated path below <paramref name="root"/>, created with its parents where missing.</summary>
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

    /// <summary>A weight as h5py stores it: float32 in its Keras shape, or an int64 scalar.</summary>
    internal static H5Dataset Dataset(SynthWeight w) =>
        w.IsInt64
            ? new H5Dataset<long>((long)w.Values[0])
            : new H5Dataset<float[]>(w.Values, fileDims: w.Shape.Select(d => (ulong)d).ToArray());
}
