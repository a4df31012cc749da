namespace ModelBuild.Core.Slicing;

/// <summary>How <see cref="BudgetPlanner"/> cuts a model.</summary>
public sealed record PlannerOptions
{
    /// <summary>Count per-channel quantization parameters in the sizes (true: the default quantization).</summary>
    public bool PerChannel { get; init; } = true;

    /// <summary>Explicit cut tensor names, in order; when given they replace the greedy search (and are validated).</summary>
    public IReadOnlyList<string>? Cuts { get; init; }

    /// <summary>Regular expression restricting which tensors may be cut at.</summary>
    public string? CandidatePattern { get; init; }

    /// <summary>The model file, for messages.</summary>
    public string? SourceFile { get; init; }
}
