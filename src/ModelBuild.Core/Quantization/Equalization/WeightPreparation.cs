using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Quantization.Equalization;

/// <summary>
/// What a build does to the float weights around calibration, in order: <see cref="Equalize"/> before calibrating
/// (cross-layer equalization, for per-tensor weights only; the float function is unchanged, so the equalized graph is
/// also the float reference), then <see cref="Quantize"/> with bias correction from the calibration run's
/// <see cref="InputMeans"/>.
/// </summary>
public static class WeightPreparation
{
    public static ModelGraph Equalize(ModelGraph floatGraph, QuantizationOptions options) =>
        options.PerChannel ? floatGraph : CrossLayerEqualization.Apply(floatGraph);

    public static ModelGraph Quantize(ModelGraph equalized, CalibrationResult ranges, InputMeans means, QuantizationOptions options) =>
        Quantizer.Quantize(options.CorrectBias ? BiasCorrection.Apply(equalized, means, options) : equalized, ranges, options);
}
