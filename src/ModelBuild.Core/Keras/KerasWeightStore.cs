using ModelBuild.Core.Diagnostics;
using PureHDF;

namespace ModelBuild.Core.Keras;

/// <summary>
/// The trained weights of a Keras .h5: `model_weights/&lt;layer&gt;` groups whose `weight_names` attribute lists
/// dataset paths. Names may differ from layer names (old files: `batch_normalization_1_1/beta:0`), Keras 3 drops
/// the `:0`, and a nested model's weights all live under its outermost layer's group. A layer whose name holds a
/// "/" (DenseNet's "conv1/conv") has its group nested at that path, as h5py's create_group makes it.
/// </summary>
internal sealed class KerasWeightStore : IKerasWeightSource
{
    private readonly string _file;
    private readonly Dictionary<string, List<(string Name, IH5Dataset Dataset)>> _byGroup = new();

    public KerasWeightStore(string file, IH5Group root)
    {
        _file = file;
        var weights = root.LinkExists("model_weights") ? root.Group("model_weights") : root;
        foreach (var (layerName, group) in LayerGroups(weights))
        {
            var list = new List<(string, IH5Dataset)>();
            foreach (var name in ReadWeightNames(group))
            {
                var ds = TryDataset(group, name) ?? throw new ModelBuildException("MB1005", file,
                    $"layer '{layerName}': weight '{name}' is listed but missing from the file; the file is incomplete — save the model again with model.save().");
                list.Add((name, ds));
            }

            _byGroup[layerName] = list;
        }
    }

    public List<(string ShortName, IH5Dataset Dataset)> WeightsOf(KerasLayerPath path, string className, KerasConfig config) =>
        WeightsOf(path.Outermost, path.Layer);

    /// <summary>The weights of one layer, by short name (kernel, bias, gamma, ...), in file order.</summary>
    /// <param name="groupName">The top-level layer group holding the weights (the outermost model layer for nested models).</param>
    /// <param name="layerName">The layer itself; equal to <paramref name="groupName"/> for top-level layers.</param>
    public List<(string ShortName, IH5Dataset Dataset)> WeightsOf(string groupName, string layerName)
    {
        if (!_byGroup.TryGetValue(groupName, out var all)) return [];
        IEnumerable<(string Name, IH5Dataset Dataset)> mine = all;
        if (groupName != layerName)
            mine = all.Where(w => LayerPartOf(w.Name).Split('/').Contains(layerName));
        return mine.Select(w => (ShortName(w.Name), w.Dataset)).ToList();
    }

    public float[] Read(IH5Dataset dataset, string layer, string className)
    {
        try
        {
            return Hdf5Floats.Read(dataset);
        }
        catch (Exception e) when (e is not ModelBuildException)
        {
            throw new ModelBuildException("MB1002", _file,
                $"layer '{layer}' ({className}): weight '{dataset.Name}' could not be read ({e.Message}); the file is damaged or truncated — save the model again.", e);
        }
    }

    private static string LayerPartOf(string weightName)
    {
        var i = weightName.LastIndexOf('/');
        return i < 0 ? "" : weightName[..i];
    }

    private static string ShortName(string weightName)
    {
        var s = weightName[(weightName.LastIndexOf('/') + 1)..];
        var colon = s.IndexOf(':');
        return colon < 0 ? s : s[..colon];
    }

    /// <summary>
    /// Each layer's group by layer name: those in the layer_names attribute first, as Keras loads them (h5py stored
    /// a name with "/", e.g. MobileNetV3's "Conv/BatchNorm", as nested groups), then any other top-level group.
    /// </summary>
    private static IEnumerable<(string LayerName, IH5Group Group)> LayerGroups(IH5Group weights)
    {
        var seen = new HashSet<string>();
        if (weights.AttributeExists("layer_names"))
        {
            var attr = weights.Attribute("layer_names");
            if (attr.Type.Class is H5DataTypeClass.String or H5DataTypeClass.VariableLength)
                foreach (var name in attr.Read<string[]>())
                    if (name.Contains('/') && seen.Add(name) && weights.LinkExists(name) && weights.Get(name) is IH5Group nested)
                        yield return (name, nested);
        }

        foreach (var child in weights.Children())
            if (child is IH5Group group && seen.Add(group.Name))
                yield return (group.Name, group);
    }

    private static IEnumerable<string> ReadWeightNames(IH5Group group)
    {
        if (!group.AttributeExists("weight_names")) return [];
        var attr = group.Attribute("weight_names");
        // h5py stores an empty list as a zero-length float array.
        if (attr.Type.Class != H5DataTypeClass.String && attr.Type.Class != H5DataTypeClass.VariableLength) return [];
        return attr.Read<string[]>();
    }

    private static IH5Dataset? TryDataset(IH5Group group, string path)
    {
        try
        {
            return group.LinkExists(path) ? group.Dataset(path) : null;
        }
        catch (Exception)
        {
            return null;
        }
    }
}
