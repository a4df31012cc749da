using ModelBuild.Core.Diagnostics;
using PureHDF;

namespace ModelBuild.Core.Keras;

/// <summary>The weights of one layer, looked up by short name (kernel, bias, gamma ...), with shape checks.</summary>
internal sealed class LayerWeights(string file, string layer, string className, IKerasWeightSource store, List<(string ShortName, IH5Dataset Dataset)> weights)
{
    public bool Has(string shortName) => weights.Any(w => w.ShortName == shortName);

    /// <summary>Reads a weight and checks its shape; the error names the layer and both shapes.</summary>
    public float[] Get(string shortName, int[] expectedShape)
    {
        var w = weights.FirstOrDefault(x => x.ShortName == shortName);
        if (w.Dataset is null)
            throw new ModelBuildException("MB1005", file,
                $"layer '{layer}' ({className}): weight '{shortName}' is missing (found: {(weights.Count == 0 ? "none" : string.Join(", ", weights.Select(x => x.ShortName)))}); save the model with its weights (model.save(), not model.to_json()).");
        var shape = ShapeOf(w.Dataset);
        if (!shape.SequenceEqual(expectedShape))
            throw new ModelBuildException("MB1006", file,
                $"layer '{layer}' ({className}): weight '{shortName}' has shape [{string.Join(", ", shape)}] but the layer's config needs [{string.Join(", ", expectedShape)}]; the weights do not belong to this model config.");
        return store.Read(w.Dataset, layer, className);
    }

    /// <summary>A per-channel weight stored with any broadcastable shape (e.g. [1,1,1,C] or [C]); its element count must be 1 or <paramref name="channels"/>.</summary>
    public float[] GetAnyShape(string shortName, int channels)
    {
        var w = weights.FirstOrDefault(x => x.ShortName == shortName);
        if (w.Dataset is null) return Get(shortName, [channels]);
        var shape = ShapeOf(w.Dataset);
        var count = shape.Aggregate(1L, (a, d) => a * d);
        return count == 1 || count == channels ? store.Read(w.Dataset, layer, className) : Get(shortName, [channels]);
    }

    private static int[] ShapeOf(IH5Dataset dataset) => dataset.Space.Dimensions.Select(d => (int)d).ToArray();

    public float[]? GetOptional(string shortName, int[] expectedShape) => Has(shortName) ? Get(shortName, expectedShape) : null;
}
