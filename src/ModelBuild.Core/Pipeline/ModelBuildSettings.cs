using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Quantization.Calibration;

namespace ModelBuild.Core.Pipeline;

/// <summary>The settings of one KerasModel item, as the MSBuild item metadata gives them.</summary>
public sealed record ModelBuildSettings
{
    public required string ModelFile { get; init; }

    public double BudgetMiB { get; init; } = ModelBuildDefaults.BudgetMiB;

    public bool PerChannel { get; init; } = true;

    public IReadOnlyList<string> Cuts { get; init; } = [];

    public string? CandidatePattern { get; init; }

    public string? CalibrationData { get; init; }

    public int CalibrationSamples { get; init; } = ModelBuildDefaults.CalibrationSamples;

    public Preprocessing Preprocessing { get; init; } = Preprocessing.None;

    public CalibrationAugment CalibrationAugment { get; init; } = ModelBuildDefaults.CalibrationAugment;

    public Quantization.RangeEstimator RangeEstimator { get; init; } = ModelBuildDefaults.RangeEstimator;

    /// <summary>Warning MB3070 below this whole-model int8-vs-float SQNR; 0 turns the warning off.</summary>
    public double MinSqnrDb { get; init; } = ModelBuildDefaults.MinSqnrDb;

    /// <summary>Below every shared model calibrated on four photos, far above a broken calibration (docs/ACCURACY.md).</summary>

    public string QuantizationName => PerChannel ? "PerChannel" : "PerTensor";

    /// <summary>Parses BudgetMiB as MSBuild gives it (invariant culture; "7", "0.5").</summary>
    public static double ParseBudget(string? text, string modelFile)
    {
        if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) && v > 0 && double.IsFinite(v))
            return v;
        throw new ModelBuildException("MB2001", modelFile, $"BudgetMiB='{text}' is not a positive number of MiB; use e.g. BudgetMiB=\"7\" or \"0.5\".");
    }

    public static bool ParsePerChannel(string? text, string modelFile) => (text ?? "").Trim().ToLowerInvariant() switch
    {
        "" or "perchannel" => true,
        "pertensor" => false,
        _ => throw new ModelBuildException("MB3050", modelFile, $"Quantization='{text}' is not known; use PerChannel (default) or PerTensor."),
    };

    public static int ParseSamples(string? text, string modelFile)
    {
        if (string.IsNullOrWhiteSpace(text)) return ModelBuildDefaults.CalibrationSamples;
        if (int.TryParse(text, out var n) && n > 0) return n;
        throw new ModelBuildException("MB3056", modelFile, $"CalibrationSamples='{text}' is not a positive whole number.");
    }

    public static double ParseMinSqnr(string? text, string modelFile)
    {
        if (string.IsNullOrWhiteSpace(text)) return ModelBuildDefaults.MinSqnrDb;
        if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) && v >= 0 && double.IsFinite(v))
            return v;
        throw new ModelBuildException("MB3058", modelFile, $"MinSqnrDb='{text}' is not a number of dB ≥ 0; use e.g. MinSqnrDb=\"10\", or \"0\" to turn warning MB3070 off.");
    }

    public static IReadOnlyList<string> ParseList(string? text) =>
        (text ?? "").Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
