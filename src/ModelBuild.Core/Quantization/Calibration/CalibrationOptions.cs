namespace ModelBuild.Core.Quantization.Calibration;

/// <summary>How calibration samples are read.</summary>
public sealed record CalibrationOptions
{
    /// <summary>The default cap on samples: enough for stable min/max ranges, quick on two cores.</summary>
    public const int DefaultMaxSamples = 32;

    public Preprocessing Preprocessing { get; init; } = Preprocessing.None;

    public int MaxSamples { get; init; } = DefaultMaxSamples;

    /// <summary>Whether image folders with fewer images than <see cref="MaxSamples"/> are topped up with derived images.</summary>
    public CalibrationAugment Augment { get; init; } = CalibrationAugment.Auto;

    /// <summary>Seed of the synthetic fallback.</summary>
    public int Seed { get; init; } = 1;
}
