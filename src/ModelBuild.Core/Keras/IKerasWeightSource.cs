using PureHDF;

namespace ModelBuild.Core.Keras;

/// <summary>Where a model file keeps its trained weights: a Keras 2 style .h5 (by weight names) or a Keras 3 .keras (by layer path).</summary>
internal interface IKerasWeightSource
{
    /// <summary>The weights of the layer at <paramref name="path"/>, by short name (kernel, bias, gamma, ...), in file order.</summary>
    List<(string ShortName, IH5Dataset Dataset)> WeightsOf(KerasLayerPath path, string className, KerasConfig config);

    /// <summary>Reads one weight as float32; a damaged dataset is an MB-coded error naming the layer.</summary>
    float[] Read(IH5Dataset dataset, string layer, string className);
}
