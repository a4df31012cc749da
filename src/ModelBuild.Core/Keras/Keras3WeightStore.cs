using ModelBuild.Core.Diagnostics;
using PureHDF;

namespace ModelBuild.Core.Keras;

/// <summary>
/// The weights of a Keras 3 `.keras` archive's model.weights.h5: `layers/&lt;key&gt;/vars/0, 1, ...` with nested
/// models at `layers/&lt;outer&gt;/layers/&lt;inner&gt;/vars/...`. The datasets carry no names, so their order gives
/// them (<see cref="Keras3VariableNames"/>). Other state (a random layer's seed_generator, the optimizer) is not read.
/// </summary>
internal sealed class Keras3WeightStore(string file, IH5Group root) : IKerasWeightSource
{
    public List<(string ShortName, IH5Dataset Dataset)> WeightsOf(KerasLayerPath path, string className, KerasConfig config)
    {
        var varsPath = string.Concat(path.Steps.Select(s => "layers/" + s.Key + "/")) + "vars";
        IH5Group vars;
        try
        {
            if (!root.LinkExists(varsPath)) return [];
            vars = root.Group(varsPath);
        }
        catch (Exception e) when (e is not ModelBuildException)
        {
            throw Damaged(path.Layer, className, varsPath, e);
        }

        var datasets = vars.Children()
            .OfType<IH5Dataset>()
            .Select(d => (Index: int.TryParse(d.Name, out var i) ? i : -1, Dataset: d))
            .Where(d => d.Index >= 0)
            .OrderBy(d => d.Index)
            .ToList();
        var names = Keras3VariableNames.Of(className, config);
        return datasets.Select(d => (d.Index < names.Count ? names[d.Index] : $"var{d.Index}", d.Dataset)).ToList();
    }

    public float[] Read(IH5Dataset dataset, string layer, string className)
    {
        try
        {
            return Hdf5Floats.Read(dataset);
        }
        catch (Exception e) when (e is not ModelBuildException)
        {
            throw Damaged(layer, className, dataset.Name, e);
        }
    }

    private ModelBuildException Damaged(string layer, string className, string what, Exception e) =>
        new(KerasArchive.DamagedWeightsCode, file,
            $"layer '{layer}' ({className}): '{what}' in {KerasArchive.WeightsEntry} could not be read ({e.Message.Split('\n')[0]}); the archive is damaged — copy it again or save the model again with model.save(\"model.keras\").", e);
}
