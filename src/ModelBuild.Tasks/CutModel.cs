using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Pipeline;

namespace ModelBuild.Tasks;

/// <summary>Reads the .h5 and plans the cuts under BudgetMiB into plan.json.</summary>
public sealed class CutModel : ModelBuildTask
{
    protected override string StepName => nameof(CutModel);

    protected override string Run(string modelFile, ModelSettings settings, WorkDirectory work, IBuildLog log, CancellationToken cancel)
    {
        var plan = CutStep.Run(modelFile, settings, work, log, cancel);
        var cuts = plan.Cuts.Count == 0 ? "no cuts" : "cuts at " + string.Join(", ", plan.Cuts.Select(c => c.Tensor));
        return $"{plan.K} segments under {settings.BudgetMiB} MiB, {cuts}";
    }
}
