using Microsoft.Build.Framework;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Pipeline;

namespace ModelBuild.Tasks;

/// <summary>Reads the .h5 and plans the cuts under BudgetMiB into plan.json.</summary>
public sealed class CutModel : ModelBuildTask
{
    protected override string StepName => nameof(CutModel);

    protected override string Run(ITaskItem model, WorkDirectory work, IBuildLog log, CancellationToken cancel)
    {
        var settings = ModelItem.Settings(model);
        // No plan until this run succeeds: a failed cut never leaves a stale plan for the later steps.
        if (File.Exists(work.PlanFile)) File.Delete(work.PlanFile);
        var plan = CutStep.Run(settings, work.PlanFile, log);
        var cuts = plan.Cuts.Count == 0 ? "no cuts" : "cut at " + string.Join(", ", plan.Cuts.Select(c => c.Tensor));
        return $"{plan.K} segments under {settings.BudgetMiB} MiB, {cuts}";
    }
}
