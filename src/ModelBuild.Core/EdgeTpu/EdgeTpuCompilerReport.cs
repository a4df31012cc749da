namespace ModelBuild.Core.EdgeTpu;

/// <summary>One row of the compiler's operation table: <c>CONV_2D   32   Mapped to Edge TPU</c>.</summary>
public sealed record EdgeTpuOperatorRow(string Operator, int Count, string Status)
{
    public const string MappedStatus = "Mapped to Edge TPU";

    public bool IsMapped => Status.Equals(MappedStatus, StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// What <c>edgetpu_compiler</c> said about one model, from its stdout and its <c>_edgetpu.log</c>.
/// Memory figures are in bytes as the compiler printed them (2 decimals of B/KiB/MiB/GiB). Null = not printed.
/// </summary>
public sealed record EdgeTpuCompilerReport
{
    public string? CompilerVersion { get; init; }

    public bool CompiledSuccessfully { get; init; }

    public long? CompileMilliseconds { get; init; }

    public string? InputModel { get; init; }

    public long? InputSizeBytes { get; init; }

    public string? OutputModel { get; init; }

    public long? OutputSizeBytes { get; init; }

    public long? OnChipMemoryUsedBytes { get; init; }

    public long? OnChipMemoryRemainingBytes { get; init; }

    public long? OffChipMemoryUsedBytes { get; init; }

    public int? EdgeTpuSubgraphs { get; init; }

    public int? TotalOperations { get; init; }

    /// <summary>"Number of operations that will run on Edge TPU" (printed only when some run on the CPU).</summary>
    public int? OperationsOnEdgeTpu { get; init; }

    public int? OperationsOnCpu { get; init; }

    public string? OperationLog { get; init; }

    public IReadOnlyList<EdgeTpuOperatorRow> Operators { get; init; } = [];

    /// <summary>Operations mapped: the printed count, else the table's mapped rows, else all (the compiler prints no count when all map).</summary>
    public int? OperationsMapped =>
        OperationsOnEdgeTpu
        ?? (Operators.Count > 0 ? Operators.Where(r => r.IsMapped).Sum(r => r.Count) : TotalOperations);
}
