using Microsoft.Build.Framework;
using ModelBuild.Core.Pipeline;

namespace ModelBuild.Tasks;

/// <summary>Reads a Keras .h5 and plans its segments under BudgetMiB; writes plan.json.</summary>
public sealed class CutModel : CachedModelBuildTask
{
    [Required] public string ModelFile { get; set; } = "";
    [Required] public string PlanFile { get; set; } = "";
    public string? BudgetMiB { get; set; }
    public string? Quantization { get; set; }
    public string? Cuts { get; set; }
    public string? CutCandidates { get; set; }

    protected override void Run() =>
        CutStep.Run(ModelItemSettings.Parse(ModelFile, BudgetMiB, Quantization, Cuts, CutCandidates), PlanFile, BuildLog, Cancellation, Cache);
}
