using ModelBuild.Core.Artifacts;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Segmentation;

namespace ModelBuild.Core.Pipeline;

/// <summary>CutModel: read the .h5, plan the cuts under the budget, write plan.json.</summary>
public static class CutStep
{
    public static CutPlan Run(string modelFile, ModelSettings settings, WorkDirectory work, IBuildLog log, CancellationToken cancel = default)
    {
        // No plan until this run succeeds: a failed or cancelled cut never leaves a stale plan for later steps.
        if (File.Exists(work.PlanFile)) File.Delete(work.PlanFile);
        var graph = KerasModelReader.Read(modelFile);
        cancel.ThrowIfCancellationRequested();
        var plan = BudgetPlanner.Plan(graph, settings.BudgetMiB,
            new PlannerOptions { PerChannel = settings.PerChannel, Cuts = settings.Cuts, SourceFile = modelFile }, log);
        AtomicFiles.WriteAllText(work.PlanFile, plan.ToJson());
        return plan;
    }

    public static CutPlan ReadPlan(WorkDirectory work)
    {
        if (!File.Exists(work.PlanFile))
            throw new ModelBuildException("MB5010", work.PlanFile, "plan.json is missing: the CutModel step did not run or did not finish; build again.");
        return CutPlan.FromJson(File.ReadAllText(work.PlanFile));
    }
}
