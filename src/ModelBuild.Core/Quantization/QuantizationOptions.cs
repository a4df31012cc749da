namespace ModelBuild.Core.Quantization;

/// <summary>How the quantizer treats weights.</summary>
public sealed record QuantizationOptions
{
    /// <summary>
    /// Per-channel weight scales on CONV_2D (dimension 0) and DEPTHWISE_CONV_2D (dimension 3). False gives one
    /// scale per weight tensor (what the original Python pipeline used; some older targets need it).
    /// FULLY_CONNECTED is always per-tensor.
    /// </summary>
    public bool PerChannel { get; init; } = true;

    /// <summary>
    /// Bias correction (<see cref="Equalization.BiasCorrection"/>) where a build quantizes through
    /// <see cref="Equalization.WeightPreparation"/>; per-tensor weights are also cross-layer equalized there.
    /// </summary>
    public bool CorrectBias { get; init; } = true;

    /// <summary>
    /// How much wider than calibrated a SOFTMAX input's int8 range is taken: 1.5 with per-tensor weights, whose logits
    /// clipped on inputs the calibration did not see (+1.5-4 dB on the MobileNets over every calibration split,
    /// docs/ACCURACY.md); 1 (the calibrated min/max, as TFLite's converter does) with per-channel weights.
    /// </summary>
    public float SoftmaxInputMargin => PerChannel ? 1 : 1.5f;
}
