using System.Text.Json.Serialization;

namespace ModelBuild.Core.EdgeTpu;

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
