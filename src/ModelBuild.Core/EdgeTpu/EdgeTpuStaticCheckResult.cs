namespace ModelBuild.Core.EdgeTpu;

/// <summary>
/// One operation the Edge TPU would not run: <see cref="Reason"/> says why in ModelBuild's words,
/// <see cref="CompilerStatus"/> is the status the compiler's operation table gives such an operation.
/// </summary>
public sealed record EdgeTpuOpFinding(int Index, string Operator, string Output, string Reason, string CompilerStatus);

/// <summary>
/// meta.json <c>edgeTpuCheck</c>: ModelBuild's own prediction for one model, made without the compiler.
/// For a model that is already compiled (<see cref="Compiled"/>), the counts describe what the compiler did:
/// <see cref="EdgeTpuCustomOps"/> compiled blocks and <see cref="OperationsOnCpu"/> operators left beside them.
/// </summary>
public sealed record EdgeTpuStaticCheckResult
{
    public required string Model { get; init; }

    /// <summary>True when the model already holds <c>edgetpu-custom-op</c> operators (an <c>_edgetpu.tflite</c>).</summary>
    public bool Compiled { get; init; }

    public int EdgeTpuCustomOps { get; init; }

    public int Operations { get; init; }

    /// <summary>Operations that each meet the Edge TPU's documented requirements.</summary>
    public int OperationsSupported { get; init; }

    /// <summary>
    /// Operations predicted to run on the Edge TPU: the compiler maps one subgraph, from the start up to the first
    /// operation it cannot map; everything after runs on the CPU ("More than one subgraph is not supported").
    /// </summary>
    public int OperationsOnEdgeTpu { get; init; }

    public int OperationsOnCpu { get; init; }

    /// <summary>Constant parameter bytes (weights, biases) of the operations predicted on the Edge TPU.</summary>
    public long ParameterBytes { get; init; }

    public double ParameterMiB => Math.Round(ParameterBytes / (1024.0 * 1024.0), 4);

    public long OnChipCapacityBytes { get; init; }

    /// <summary>"fits", "tight" (over <see cref="EdgeTpuStaticCheck.TightThresholdBytes"/>: the compiler's own overhead may push it out) or "exceeds".</summary>
    public string OnChipFit { get; init; } = EdgeTpuCheckEntry.Fits;

    public IReadOnlyList<EdgeTpuOpFinding> Findings { get; init; } = [];

    /// <summary>
    /// The operation table the compiler would print for this prediction: one row per (operator, status) in order of first
    /// appearance, the status in the compiler's words (<see cref="EdgeTpuOperatorRow.MappedStatus"/> for mapped ones).
    /// <c>edgetpu-custom-op</c> blocks of a compiled model are not listed.
    /// </summary>
    public IReadOnlyList<EdgeTpuOperatorRow> Operators { get; init; } = [];

    public bool FullyMapped => !Compiled ? OperationsOnCpu == 0 : OperationsOnCpu == 0 && EdgeTpuCustomOps > 0;

    /// <summary>The operations that fail a rule themselves (not merely because they follow one that does).</summary>
    public IEnumerable<EdgeTpuOpFinding> Causes => Findings.Where(f => f.CompilerStatus != EdgeTpuOperatorRules.MoreThanOneSubgraph);

    /// <summary>meta.json's <c>edgeTpuCheck</c> entry.</summary>
    public EdgeTpuCheckEntry ToMetaEntry() => new(
        Operations, OperationsOnEdgeTpu, OperationsOnCpu, ParameterBytes, ParameterMiB, Math.Round(OnChipCapacityBytes / (1024.0 * 1024.0), 4), OnChipFit,
        Operators.Select(o => new EdgeTpuOperatorEntry(o.Operator, o.Count, o.Status)).ToList(),
        Causes.Select(f => new EdgeTpuCheckOperation(f.Index, f.Operator, f.Output, f.Reason, f.CompilerStatus)).ToList());
}
