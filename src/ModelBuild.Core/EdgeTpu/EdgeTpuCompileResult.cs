namespace ModelBuild.Core.EdgeTpu;

/// <summary>
/// The Edge TPU outcome for one model, ready for meta.json. <see cref="Status"/> is <c>compiled</c>, <c>failed</c>,
/// <c>skipped</c> (Auto mode, no compiler) or <c>off</c>. File names are relative to the compiler's output folder.
/// </summary>
public sealed record EdgeTpuCompileResult
{
    public const string Compiled = "compiled", Failed = "failed", Skipped = "skipped", Off = "off";

    /// <summary>The input model's file name, e.g. <c>seg1_int8.tflite</c>.</summary>
    public required string Model { get; init; }

    public required string Status { get; init; }

    /// <summary><c>&lt;name&gt;_edgetpu.tflite</c> when compiled.</summary>
    public string? CompiledFile { get; init; }

    /// <summary><c>&lt;name&gt;_edgetpu.log</c> when the compiler wrote one.</summary>
    public string? LogFile { get; init; }

    public string? CompilerVersion { get; init; }

    public double? OnChipMemoryUsedMiB { get; init; }

    public double? OnChipMemoryRemainingMiB { get; init; }

    public double? OffChipMemoryUsedMiB { get; init; }

    public int? EdgeTpuSubgraphs { get; init; }

    public int? OperationsTotal { get; init; }

    public int? OperationsMapped { get; init; }

    public IReadOnlyList<EdgeTpuOperatorRow> Operators { get; init; } = [];

    /// <summary>MB40xx code of the error when <see cref="Status"/> is <c>failed</c>.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>The one-line build message (compiled), the compiler's own message (failed), or what was skipped.</summary>
    public string? Message { get; init; }

    public bool IsFailure => Status == Failed;

    public int? OperationsOnCpu => OperationsTotal is { } t && OperationsMapped is { } m ? t - m : null;

    /// <summary>The meta.json entry (the layout records it per model).</summary>
    public EdgeTpuModelResult ToModelResult() => new(
        Status, CompiledFile, LogFile, CompilerVersion, OnChipMemoryUsedMiB, OnChipMemoryRemainingMiB, OffChipMemoryUsedMiB, OperationsMapped, OperationsTotal,
        EdgeTpuSubgraphs, Operators.Select(o => new EdgeTpuOperatorEntry(o.Operator, o.Count, o.Status)).ToList(), Message);

    internal static double? MiB(long? bytes) => bytes is { } b ? Math.Round(b / (1024.0 * 1024.0), 4) : null;
}
