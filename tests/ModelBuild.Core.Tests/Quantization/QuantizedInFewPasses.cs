using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.Quantization.Equalization;

namespace ModelBuild.Core.Tests.Quantization;

/// <summary>
/// Several int8 models of one float graph and one calibration stream, each byte for byte what
/// <see cref="WeightPreparation.Convert"/> makes with its estimator and options, for two float passes however many there
/// are: the first feeds every per-channel estimator (<see cref="Calibrator.CalibrateEach"/>), the input means and the
/// channel ranges per-tensor equalization needs; the second calibrates the equalized graph for the per-tensor ones.
/// Accuracy tables compare configurations with it; a build converts with WeightPreparation.Convert.
/// </summary>
internal static class QuantizedInFewPasses
{
    public static List<ModelGraph> Quantize(ModelGraph graph, IEnumerable<float[]> samples, IReadOnlyList<(RangeEstimator Estimator, QuantizationOptions Options)> configs)
    {
        var quantized = new ModelGraph[configs.Count];
        var perChannel = Enumerable.Range(0, configs.Count).Where(c => configs[c].Options.PerChannel).ToList();
        var perTensor = Enumerable.Range(0, configs.Count).Where(c => !configs[c].Options.PerChannel).ToList();
        var estimators = perChannel.Select(c => configs[c].Estimator).Append(RangeEstimator.MinMax).Distinct().ToList();
        var means = new InputMeans(graph);
        var channels = new ObservedChannelRanges(graph);
        var ranges = Calibrator.CalibrateEach(graph, samples, new RecordingBuildLog(), estimators.Select(RangeEstimators.Factory).ToList(),
            new CalibrationSettings { AlsoObserve = perTensor.Count > 0 ? new TensorObserverSet(means, channels) : means });
        foreach (int c in perChannel)
            quantized[c] = WeightPreparation.Quantize(graph, ranges[estimators.IndexOf(configs[c].Estimator)], means, configs[c].Options);
        if (perTensor.Count == 0) return [.. quantized];

        var equalized = CrossLayerEqualization.Apply(graph, channels);
        var equalizedMeans = new InputMeans(equalized);
        var moments = new InputMoments(equalized);
        var equalizedEstimators = perTensor.Select(c => configs[c].Estimator).Distinct().ToList();
        var equalizedRanges = Calibrator.CalibrateEach(equalized, samples, new RecordingBuildLog(), equalizedEstimators.Select(RangeEstimators.Factory).ToList(),
            new CalibrationSettings { AlsoObserve = new TensorObserverSet(equalizedMeans, moments) });
        foreach (int c in perTensor)
            quantized[c] = WeightPreparation.Quantize(equalized, equalizedRanges[equalizedEstimators.IndexOf(configs[c].Estimator)], equalizedMeans, configs[c].Options, moments);
        return [.. quantized];
    }
}
