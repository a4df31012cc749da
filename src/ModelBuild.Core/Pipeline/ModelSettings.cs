using System.Globalization;
using ModelBuild.Core.Diagnostics;

namespace ModelBuild.Core.Pipeline;

/// <summary>What the user can choose per Edge TPU compilation.</summary>
public enum EdgeTpuMode
{
    /// <summary>Compile when edgetpu_compiler is found; otherwise warn and build the CPU artifacts.</summary>
    Auto,

    /// <summary>Fail the build when the compiler is missing.</summary>
    Required,

    /// <summary>Never compile.</summary>
    Off,
}

/// <summary>
/// One KerasModel item's settings, parsed from the strings MSBuild (or the CLI) gives. Parsing errors are the
/// user's to fix, so they are <see cref="ModelBuildException"/>s naming the metadata and the accepted values.
/// </summary>
public sealed record ModelSettings
{
    public const double DefaultBudgetMiB = 7;
    public const int DefaultCalibrationSamples = 16;

    public double BudgetMiB { get; init; } = DefaultBudgetMiB;

    public bool PerChannel { get; init; } = true;

    public string? CalibrationData { get; init; }

    public int CalibrationSamples { get; init; } = DefaultCalibrationSamples;

    public string? Preprocessing { get; init; }

    public IReadOnlyList<string>? Cuts { get; init; }

    public EdgeTpuMode EdgeTpu { get; init; } = EdgeTpuMode.Auto;

    public string? EdgeTpuCompilerPath { get; init; }

    public string QuantizationName => PerChannel ? "PerChannel" : "PerTensor";

    /// <summary>Builds settings from item metadata strings; empty strings mean "the default".</summary>
    public static ModelSettings Parse(string modelFile, string? budgetMiB, string? quantization, string? calibrationData,
        string? calibrationSamples, string? preprocessing, string? cuts, string? edgeTpu, string? compilerPath)
    {
        var settings = new ModelSettings();
        if (!string.IsNullOrWhiteSpace(budgetMiB))
        {
            if (!double.TryParse(budgetMiB.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var budget) || double.IsNaN(budget) || double.IsInfinity(budget) || budget <= 0)
                throw new ModelBuildException("MB2001", modelFile, $"BudgetMiB='{budgetMiB}' is not a positive number of MiB; use e.g. BudgetMiB=\"7\" or BudgetMiB=\"0.5\" (a dot as decimal separator).");
            settings = settings with { BudgetMiB = budget };
        }

        if (!string.IsNullOrWhiteSpace(quantization))
        {
            settings = quantization.Trim().ToLowerInvariant() switch
            {
                "perchannel" => settings with { PerChannel = true },
                "pertensor" => settings with { PerChannel = false },
                _ => throw new ModelBuildException("MB5001", modelFile, $"Quantization='{quantization}' is not known; use PerChannel (the default) or PerTensor."),
            };
        }

        if (!string.IsNullOrWhiteSpace(calibrationSamples))
        {
            if (!int.TryParse(calibrationSamples.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n <= 0)
                throw new ModelBuildException("MB5002", modelFile, $"CalibrationSamples='{calibrationSamples}' is not a positive whole number; use e.g. CalibrationSamples=\"100\".");
            settings = settings with { CalibrationSamples = n };
        }

        if (!string.IsNullOrWhiteSpace(edgeTpu))
        {
            if (!Enum.TryParse<EdgeTpuMode>(edgeTpu.Trim(), ignoreCase: true, out var mode) || !Enum.IsDefined(mode))
                throw new ModelBuildException("MB5003", modelFile, $"EdgeTpu='{edgeTpu}' is not known; use Auto (the default), Required or Off.");
            settings = settings with { EdgeTpu = mode };
        }

        var cutList = string.IsNullOrWhiteSpace(cuts)
            ? null
            : cuts.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return settings with
        {
            CalibrationData = string.IsNullOrWhiteSpace(calibrationData) ? null : calibrationData.Trim(),
            Preprocessing = string.IsNullOrWhiteSpace(preprocessing) ? null : preprocessing.Trim(),
            Cuts = cutList is { Length: > 0 } ? cutList : null,
            EdgeTpuCompilerPath = string.IsNullOrWhiteSpace(compilerPath) ? null : compilerPath.Trim(),
        };
    }
}
