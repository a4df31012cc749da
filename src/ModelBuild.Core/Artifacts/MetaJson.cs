using System.Text.Json;
using System.Text.Json.Serialization;
using ModelBuild.Core.Segmentation;

namespace ModelBuild.Core.Artifacts;

/// <summary>Where the model came from.</summary>
public sealed record SourceInfo(string File, string Sha256);

/// <summary>What the quantizer was calibrated with: <see cref="Samples"/> = <see cref="Original"/> + <see cref="Derived"/> (crops and mirror images).</summary>
public sealed record CalibrationInfo(string Source, int Samples, string Preprocessing, int? Original = null, int? Derived = null);

/// <summary>One row of an Edge TPU operation table: an operator, how many of it, and the compiler's status words for them.</summary>
public sealed record EdgeTpuOperatorEntry(string Operator, int Count, string Status);

/// <summary>The Edge TPU compilation of one model, or why there is none.</summary>
public sealed record EdgeTpuModelResult(
    string Status, string? CompiledFile = null, string? LogFile = null, string? CompilerVersion = null,
    double? OnChipMemoryMiB = null, double? OnChipMemoryRemainingMiB = null, double? OffChipMemoryMiB = null,
    int? OperationsMapped = null, int? OperationsTotal = null, int? Subgraphs = null,
    IReadOnlyList<EdgeTpuOperatorEntry>? Operators = null, [property: JsonPropertyOrder(2)] string? Message = null)
{
    /// <summary>The compiler's operation table; empty (never null) when the compiler did not run. Written before <see cref="Message"/>.</summary>
    [JsonPropertyOrder(1)]
    public IReadOnlyList<EdgeTpuOperatorEntry>? Operators { get; init; } = Operators ?? [];
}

/// <summary>An operation ModelBuild's own check expects on the CPU for a reason of its own (not merely because it follows one).</summary>
public sealed record EdgeTpuCheckOperation(int Index, string Operator, string Output, string Reason, string Status);

/// <summary>
/// meta.json <c>edgeTpuCheck</c>: ModelBuild's own Edge TPU prediction for one model, made without the compiler
/// (docs/EDGETPU.md gives the rules).
/// </summary>
public sealed record EdgeTpuCheckEntry(
    int Operations, int OperationsOnEdgeTpu, int OperationsOnCpu, long ParameterBytes,
    [property: JsonPropertyName("parameterMiB")] double ParameterMiB, [property: JsonPropertyName("onChipCapacityMiB")] double OnChipCapacityMiB,
    string OnChipFit, IReadOnlyList<EdgeTpuOperatorEntry> Operators, IReadOnlyList<EdgeTpuCheckOperation> CpuOperations)
{
    public const string Fits = "fits", Tight = "tight", Exceeds = "exceeds";
}

/// <summary>One model of a combo, in run order.</summary>
public sealed record ComboModelEntry(
    int Order, string File, string Role, int[] Segments, long Bytes, [property: JsonPropertyName("mib")] double MiB, string Sha256,
    IReadOnlyList<TensorInfo> Inputs, IReadOnlyList<TensorInfo> Outputs, EdgeTpuModelResult EdgeTpu, EdgeTpuCheckEntry? EdgeTpuCheck = null);

/// <summary>
/// meta.json: the machine-readable description of one layout folder (full_split or pairs_kN).
/// The schema is documented in docs/META-JSON.md; <see cref="SchemaVersion"/> changes when a field changes meaning.
/// </summary>
public sealed record ComboMeta(
    int SchemaVersion, string Generator, SourceInfo Source, string Model, double BudgetMiB, string Quantization,
    CalibrationInfo Calibration, string Combo, int K, int SegmentCount, IReadOnlyList<PlannedCut> Cuts,
    IReadOnlyList<ComboModelEntry> Models, Quantization.AccuracyReport? Accuracy = null)
{
    public const int CurrentSchemaVersion = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json) + "\n";

    public static ComboMeta FromJson(string json) => JsonSerializer.Deserialize<ComboMeta>(json, Json) ?? throw new JsonException("meta.json is empty");
}
