using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Quantization.Equalization;

/// <summary>
/// What a build does to the float weights around calibration, in order: <see cref="Equalize"/> before calibrating
/// (cross-layer equalization, for per-tensor weights only, with the channel ranges of a first float pass over the
/// calibration samples; the float function is unchanged on those samples, so the equalized graph is also the float
/// reference), then <see cref="Quantize"/> with bias correction from the calibration run's <see cref="InputMeans"/>.
/// </summary>
public static class WeightPreparation
{
    /// <summary>The graph to calibrate and quantize: <paramref name="floatGraph"/> itself for per-channel weights.</summary>
    /// <param name="samples">The calibration samples (enumerated once more here, per-tensor only); null equalizes on sound bounds alone.</param>
    public static ModelGraph Equalize(ModelGraph floatGraph, QuantizationOptions options, IEnumerable<float[]>? samples = null) =>
        options.PerChannel ? floatGraph
        : CrossLayerEqualization.Apply(floatGraph, samples is null ? null : ObservedChannelRanges.Measure(floatGraph, samples));

    public static ModelGraph Quantize(ModelGraph equalized, CalibrationResult ranges, InputMeans means, QuantizationOptions options, InputMoments? moments = null)
    {
        var rounded = moments is null || options.PerChannel ? equalized : AdaptiveRounding.Apply(equalized, moments);
        return Quantizer.Quantize(options.CorrectBias ? BiasCorrection.Apply(rounded, means, options) : rounded, ranges, options);
    }

    /// <summary>
    /// The whole int8 conversion of a float graph as a build runs it: equalize, calibrate on <paramref name="samples"/>
    /// (observing the inputs' means too), quantize with bias correction. Returns the equalized float graph (the float
    /// reference) beside the int8 one. ConvertInt8 and every test that rebuilds a build's int8 model call this.
    /// </summary>
    public static (ModelGraph Equalized, ModelGraph Int8) Convert(
        ModelGraph floatGraph, IEnumerable<float[]> samples, QuantizationOptions options, Diagnostics.IBuildLog log, CalibrationSettings? settings = null)
    {
        var equalized = Equalize(floatGraph, options, samples);
        var means = new InputMeans(equalized);
        var moments = options.PerChannel ? null : new InputMoments(equalized);
        ITensorObserver also = moments is null ? means : new TensorObserverSet(means, moments);
        var ranges = Calibrator.Calibrate(equalized, samples, log, (settings ?? new CalibrationSettings()) with { AlsoObserve = also });
        return (equalized, Quantize(equalized, ranges, means, options, moments));
    }
}
