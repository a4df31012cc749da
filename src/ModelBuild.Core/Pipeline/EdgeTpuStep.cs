using System.Text.Json;
using ModelBuild.Core.Artifacts;
using ModelBuild.Core.Cache;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.EdgeTpu;

namespace ModelBuild.Core.Pipeline;

/// <summary>
/// The Edge TPU results of every model, as CompileEdgeTpu records them in edgetpu.json: the compiler's per model
/// (<see cref="Default"/> for models it did not compile) and ModelBuild's own check per model.
/// </summary>
public sealed record EdgeTpuResults(
    EdgeTpuModelResult Default, IReadOnlyDictionary<string, EdgeTpuModelResult> Models, IReadOnlyDictionary<string, EdgeTpuCheckEntry>? Checks = null);

/// <summary>
/// CompileEdgeTpu: ModelBuild's own Edge TPU check of every distinct model (always, whatever the mode, before and
/// without the compiler), then edgetpu_compiler on each of them, or a record of why not.
/// </summary>
public static class EdgeTpuStep
{
    public const string ResultsFile = "edgetpu.json";

    /// <param name="timeout">EdgeTpuTimeoutSeconds: the compiler's own <c>-t</c>, and ModelBuild's kill a grace period later (<see cref="EdgeTpuCompileOptions.ForTimeout"/>).</param>
    public static EdgeTpuResults Run(string modelFile, string storeDirectory, string edgeTpuDirectory, EdgeTpuMode mode, string? compilerPath, TimeSpan timeout, IBuildLog log, CancellationToken cancel = default, ModelCache? cache = null)
    {
        // Located once, when first needed: by the cache key, else after ModelBuild's own check (whose warnings come first).
        var compiler = new Lazy<EdgeTpuCompiler?>(() => mode == EdgeTpuMode.Off ? null : new EdgeTpuCompilerLocator { ExplicitPath = compilerPath }.Locate());
        var cached = CachedStep.Start(cache, c => StepCacheKeys.EdgeTpu(storeDirectory, mode, compiler.Value, c), modelFile, log);
        if (cached.TryRestoreDirectory(edgeTpuDirectory)) return ReadResults(edgeTpuDirectory);
        var results = Build(modelFile, storeDirectory, edgeTpuDirectory, mode, compiler, compilerPath, timeout, cached, cancel);
        cached.PublishDirectory(edgeTpuDirectory);
        return results;
    }

    private static EdgeTpuResults Build(string modelFile, string storeDirectory, string edgeTpuDirectory, EdgeTpuMode mode, Lazy<EdgeTpuCompiler?> located, string? compilerPath, TimeSpan timeout, IBuildLog log, CancellationToken cancel)
    {
        var manifest = ModelStore.ReadManifest(storeDirectory);
        var models = manifest.Select(m => Path.Combine(storeDirectory, m.File)).ToList();
        var checks = EdgeTpuStoreCheck.Run(storeDirectory, manifest, modelFile, log, cancel);
        EdgeTpuResults results;
        if (mode == EdgeTpuMode.Off)
            results = new EdgeTpuResults(new EdgeTpuModelResult("off", Message: "Edge TPU compilation is off (EdgeTpu=\"Off\")."), new Dictionary<string, EdgeTpuModelResult>(), checks);
        else
        {
            var compiler = located.Value;
            if (compiler is null)
            {
                var what = $"edgetpu_compiler was not found{(string.IsNullOrWhiteSpace(compilerPath) ? "" : $" at '{compilerPath}'")}; the {models.Count} CPU int8 models were built but not compiled for the Edge TPU (tpu/ folders stay empty). {EdgeTpuCompilerLocator.InstallHint}";
                if (mode == EdgeTpuMode.Required) throw new ModelBuildException("MB4001", modelFile, what + " EdgeTpu=\"Required\" makes this an error.");
                log.Warning("MB4001", modelFile, what);
                results = new EdgeTpuResults(new EdgeTpuModelResult("skipped", Message: "edgetpu_compiler not found; " + EdgeTpuCompilerLocator.InstallHint), new Dictionary<string, EdgeTpuModelResult>(), checks);
            }
            else
            {
                var staging = edgeTpuDirectory.TrimEnd('/', '\\') + ".staging-" + Guid.NewGuid().ToString("N")[..8];
                try
                {
                    var compileResults = new EdgeTpuCompilerDriver(compiler, EdgeTpuCompileOptions.ForTimeout(timeout, modelFile)).Compile(models, staging, log, cancel);
                    EdgeTpuCompilerDriver.ThrowIfAnyFailed(compileResults, modelFile);
                    var compiled = compileResults.ToDictionary(r => r.Model, r => r.ToModelResult(), StringComparer.Ordinal);
                    results = new EdgeTpuResults(new EdgeTpuModelResult("skipped"), compiled, checks);
                    AtomicFiles.WriteAllText(Path.Combine(staging, ResultsFile), JsonSerializer.Serialize(results));
                    AtomicFiles.ReplaceDirectory(staging, edgeTpuDirectory);
                    return results;
                }
                finally
                {
                    if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
                }
            }
        }

        if (Directory.Exists(edgeTpuDirectory)) Directory.Delete(edgeTpuDirectory, recursive: true);
        Directory.CreateDirectory(edgeTpuDirectory);
        AtomicFiles.WriteAllText(Path.Combine(edgeTpuDirectory, ResultsFile), JsonSerializer.Serialize(results));
        return results;
    }

    public static EdgeTpuResults ReadResults(string? edgeTpuDirectory)
    {
        var path = edgeTpuDirectory is null ? null : Path.Combine(edgeTpuDirectory, ResultsFile);
        if (path is null || !File.Exists(path)) return new EdgeTpuResults(new EdgeTpuModelResult("off"), new Dictionary<string, EdgeTpuModelResult>());
        return JsonSerializer.Deserialize<EdgeTpuResults>(File.ReadAllText(path))!;
    }
}
