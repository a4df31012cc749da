using ModelBuild.Core.Cache;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.EdgeTpu;
using ModelBuild.Core.Files;
using ModelBuild.Core.Slicing;

namespace ModelBuild.Core.Pipeline;

/// <summary>
/// CompileEdgeTpu: ModelBuild's own Edge TPU check of every distinct model (always, whatever the mode, before and
/// without the compiler), then edgetpu_compiler on each of them, or a record of why not. The one place of the
/// Off/Auto/Required rules.
/// </summary>
public static class EdgeTpuStep
{
    /// <param name="locator">Where to look for edgetpu_compiler (the EdgeTpuCompilerPath property, then the environment).</param>
    /// <param name="timeout">EdgeTpuTimeoutSeconds: the compiler's own <c>-t</c>, and ModelBuild's kill a grace period later (<see cref="EdgeTpuCompileOptions.ForTimeout"/>).</param>
    public static EdgeTpuResults Run(string modelFile, WorkFolder work, EdgeTpuMode mode, EdgeTpuCompilerLocator locator, TimeSpan timeout, IBuildLog log, CancellationToken cancel = default, ModelCache? cache = null)
    {
        // Located once, when first needed: by the cache key, else after ModelBuild's own check (whose warnings come
        // first). A bad explicit path throws from here and again (Lazy keeps the exception) where the step needs it.
        var compiler = new Lazy<EdgeTpuCompiler?>(() => mode == EdgeTpuMode.Off ? null : locator.Locate());
        var cached = CachedStep.Start(cache, c => StepCacheKeys.EdgeTpu(work, mode, compiler.Value, c), modelFile, log);
        if (cached.TryRestoreDirectory(work.EdgeTpuDirectory)) return work.ReadEdgeTpuResults();
        var results = Build(modelFile, work, mode, locator, compiler, timeout, cached, cancel);
        cached.PublishDirectory(work.EdgeTpuDirectory);
        return results;
    }

    private static EdgeTpuResults Build(string modelFile, WorkFolder work, EdgeTpuMode mode, EdgeTpuCompilerLocator locator, Lazy<EdgeTpuCompiler?> compiler, TimeSpan timeout, IBuildLog log, CancellationToken cancel)
    {
        var manifest = ModelStore.ReadManifest(work.StoreDirectory);
        var models = manifest.Select(m => Path.Combine(work.StoreDirectory, m.File)).ToList();
        var checks = EdgeTpuStoreCheck.Run(work.StoreDirectory, manifest, modelFile, log, cancel);
        using var staging = StagingDirectory.For(work.EdgeTpuDirectory);
        var results = Compile(modelFile, models, staging.Path, mode, compiler, timeout, log, cancel) is { } compiled
            ? new EdgeTpuResults(new EdgeTpuModelResult("skipped"), compiled, checks)
            : new EdgeTpuResults(NotCompiled(modelFile, models.Count, mode, locator, log), new Dictionary<string, EdgeTpuModelResult>(), checks);
        WorkFolder.WriteEdgeTpuResults(staging.Path, results);
        staging.Commit();
        return results;
    }

    /// <summary>The compiler's result per model, or null when it does not run (Off, or not found).</summary>
    private static Dictionary<string, EdgeTpuModelResult>? Compile(
        string modelFile, IReadOnlyList<string> models, string outputDirectory, EdgeTpuMode mode, Lazy<EdgeTpuCompiler?> located, TimeSpan timeout, IBuildLog log, CancellationToken cancel)
    {
        if (mode == EdgeTpuMode.Off || located.Value is not { } compiler) return null;
        var compileResults = new EdgeTpuCompilerDriver(compiler, EdgeTpuCompileOptions.ForTimeout(timeout, modelFile)).Compile(models, outputDirectory, log, cancel);
        EdgeTpuCompilerDriver.ThrowIfAnyFailed(compileResults, modelFile);
        return compileResults.ToDictionary(r => r.Model, r => r.ToModelResult(), StringComparer.Ordinal);
    }

    /// <summary>Off: recorded as such. No compiler: MB4001, a warning (Auto) or an error (Required).</summary>
    private static EdgeTpuModelResult NotCompiled(string modelFile, int modelCount, EdgeTpuMode mode, EdgeTpuCompilerLocator locator, IBuildLog log)
    {
        if (mode == EdgeTpuMode.Off)
            return new EdgeTpuModelResult("off", Message: "Edge TPU compilation is off (EdgeTpu=\"Off\").");
        var at = string.IsNullOrWhiteSpace(locator.ExplicitPath) ? "" : $" at '{locator.ExplicitPath}'";
        var what = $"edgetpu_compiler was not found{at}; the {modelCount} CPU int8 models were built but not compiled for the Edge TPU (tpu/ folders stay empty). {EdgeTpuCompilerLocator.InstallHint}";
        if (mode == EdgeTpuMode.Required) throw new ModelBuildException(EdgeTpuCodes.CompilerRequired, modelFile, what + " EdgeTpu=\"Required\" makes this an error.");
        log.Warning(EdgeTpuCodes.CompilerNotFound, modelFile, what);
        return new EdgeTpuModelResult("skipped", Message: "edgetpu_compiler not found; " + EdgeTpuCompilerLocator.InstallHint);
    }
}
