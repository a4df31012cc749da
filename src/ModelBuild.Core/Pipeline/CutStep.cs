using ModelBuild.Core.Artifacts;
using ModelBuild.Core.Cache;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Segmentation;

namespace ModelBuild.Core.Pipeline;

/// <summary>CutModel: read the .h5, plan the segments, write plan.json.</summary>
public static class CutStep
{
    /// <summary>The plan file's name inside its cache entry.</summary>
    public const string PlanEntryFile = "plan.json";

    /// <remarks>Cancellation is checked between reading, planning and writing; plan.json is written whole or not at all.</remarks>
    public static CutPlan Run(ModelBuildSettings settings, string planFile, IBuildLog log, CancellationToken cancel = default, ModelCache? cache = null)
    {
        cancel.ThrowIfCancellationRequested();
        var cached = CachedStep.Start(cache, c => StepCacheKeys.Cut(settings, c), settings.ModelFile, log);
        if (cached.TryRestoreFile(PlanEntryFile, planFile)) return ReadPlan(planFile);
        var plan = Build(settings, planFile, cached, cancel);
        cached.PublishFile(PlanEntryFile, planFile);
        return plan;
    }

    private static CutPlan Build(ModelBuildSettings settings, string planFile, IBuildLog log, CancellationToken cancel)
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
        AtomicFiles.WriteAllText(planFile, plan.ToJson());
        ModelGraphHandoff.Offer(settings.ModelFile, graph);
        log.Progress($"{Path.GetFileName(settings.ModelFile)}: {plan.K} segments at {settings.BudgetMiB} MiB"
                     + (plan.Cuts.Count > 0 ? $", cut at {string.Join(", ", plan.Cuts.Select(c => c.Tensor))}" : ""));
        return plan;
    }

    public static CutPlan ReadPlan(string planFile)
    {
        if (!File.Exists(planFile))
            throw new ModelBuildException("MB5001", planFile, "plan.json is missing: the CutModel step did not run or failed; build again.");
        return CutPlan.FromJson(File.ReadAllText(planFile));
    }
}
