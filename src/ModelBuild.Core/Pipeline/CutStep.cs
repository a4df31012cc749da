using ModelBuild.Core.Cache;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Files;
using ModelBuild.Core.Slicing;

namespace ModelBuild.Core.Pipeline;

/// <summary>CutModel: read the .h5, plan the segments, write plan.json.</summary>
public static class CutStep
{
    /// <remarks>Cancellation is checked between reading, planning and writing; plan.json is written whole or not at all.</remarks>
    public static CutPlan Run(ModelBuildSettings settings, WorkFolder work, IBuildLog log, CancellationToken cancel = default, ModelCache? cache = null)
    {
        cancel.ThrowIfCancellationRequested();
        var cached = CachedStep.Start(cache, c => StepCacheKeys.Cut(settings, c), settings.ModelFile, log);
        if (cached.TryRestoreFile(WorkFolder.PlanFileName, work.PlanFile)) return work.ReadPlan();
        var plan = Build(settings, work, cached, cancel);
        cached.PublishFile(WorkFolder.PlanFileName, work.PlanFile);
        return plan;
    }

    private static CutPlan Build(ModelBuildSettings settings, WorkFolder work, IBuildLog log, CancellationToken cancel)
    {
        var graph = ModelGraphHandoff.Read(settings.ModelFile);
        cancel.ThrowIfCancellationRequested();
        var plan = BudgetPlanner.Plan(graph, settings.BudgetMiB, new PlannerOptions
        {
            PerChannel = settings.PerChannel,
            Cuts = settings.Cuts.Count > 0 ? settings.Cuts : null,
            CandidatePattern = settings.CandidatePattern,
            SourceFile = settings.ModelFile,
        }, log);
        cancel.ThrowIfCancellationRequested();
        AtomicFiles.WriteAllText(work.PlanFile, plan.ToJson());
        ModelGraphHandoff.Offer(settings.ModelFile, graph);
        log.Progress($"{Path.GetFileName(settings.ModelFile)}: {plan.K} segments at {settings.BudgetMiB} MiB"
                     + (plan.Cuts.Count > 0 ? $", cut at {string.Join(", ", plan.Cuts.Select(c => c.Tensor))}" : ""));
        return plan;
    }
}
