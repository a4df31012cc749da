using System.Text.Json;
using ModelBuild.Core.Cache;
using ModelBuild.Core.EdgeTpu;
using ModelBuild.Core.Quantization.Calibration;

namespace ModelBuild.Core.Pipeline;

/// <summary>
/// What decides each step's output, as cache keys: the cut plan, the int8 models and the Edge TPU outputs are
/// entries of their own, so a change misses only the steps that depend on it (a new compiler reuses the int8 models).
/// A setting added to <see cref="ModelBuildSettings"/> is part of the int8 key by itself (the whole record is); one
/// the plan depends on must be added to <see cref="Cut"/>.
/// </summary>
public static class StepCacheKeys
{
    public static CacheKeyBuilder Cut(ModelBuildSettings settings, ModelCache cache) => new CacheKeyBuilder("plan")
        .Add("engine", cache.Engine)
        .AddFile("model", settings.ModelFile)
        .Add("budgetMiB", settings.BudgetMiB)
        .Add("perChannel", settings.PerChannel)
        .Add("cuts", string.Join(";", settings.Cuts))
        .Add("candidatePattern", settings.CandidatePattern);

    /// <summary>The model, its plan (which carries the cut settings), every other setting, and the calibration files by content and name.</summary>
    public static CacheKeyBuilder Int8(ModelBuildSettings settings, WorkFolder work, ModelCache cache)
    {
        var key = new CacheKeyBuilder("int8")
            .Add("engine", cache.Engine)
            .AddFile("model", settings.ModelFile)
            .AddFile("plan", work.PlanFile)
            .Add("settings", JsonSerializer.Serialize(settings with { ModelFile = "", BudgetMiB = 0, Cuts = [], CandidatePattern = null }));
        if (!string.IsNullOrWhiteSpace(settings.CalibrationData))
            foreach (var file in CalibrationDataLoader.ResolveFiles(settings.CalibrationData))
                key.AddFile("calibration:" + Path.GetFileName(file), file);
        return key;
    }

    /// <summary>The int8 models (models.json holds each one's SHA-256), the mode, and the compiler's version and executable by content.</summary>
    public static CacheKeyBuilder EdgeTpu(WorkFolder work, EdgeTpuMode mode, EdgeTpuCompiler? compiler, ModelCache cache)
    {
        var key = new CacheKeyBuilder("edgetpu")
            .Add("engine", cache.Engine)
            .AddFile("models", Path.Combine(work.StoreDirectory, WorkFolder.StoreManifestFileName))
            .Add("mode", mode.ToString());
        return compiler is null
            ? key.Add("compiler", "none")
            : key.Add("compilerVersion", compiler.Version ?? "unknown").AddFile("compiler", compiler.Path);
    }
}
