using System.Diagnostics;
using System.Text.Json;
using ModelBuild.Core.Artifacts;
using ModelBuild.Core.Diagnostics;

namespace ModelBuild.Core.Pipeline;

/// <summary>
/// CompileEdgeTpu: runs edgetpu_compiler on every distinct model of the store into tpu/, and records each
/// model's result in tpu/results.json (also when nothing was compiled, saying why).
/// </summary>
public static class EdgeTpuStep
{
    public const string CompilerEnvironmentVariable = "MODELBUILD_EDGETPU_COMPILER";
    private const string InstallHint = "install it from Google's Coral apt repository (x86-64 Linux: 'apt-get install edgetpu-compiler', see coral.ai/docs/edgetpu/compiler) or set EdgeTpuCompilerPath";

    public static IReadOnlyDictionary<string, EdgeTpuModelResult> Run(string modelFile, ModelSettings settings, WorkDirectory work, IBuildLog log, CancellationToken cancel = default)
    {
        var models = ModelStore.ReadManifest(work.ModelsDirectory);
        if (Directory.Exists(work.TpuDirectory)) Directory.Delete(work.TpuDirectory, recursive: true);
        Directory.CreateDirectory(work.TpuDirectory);
        var results = new SortedDictionary<string, EdgeTpuModelResult>(StringComparer.Ordinal);

        if (settings.EdgeTpu == EdgeTpuMode.Off)
        {
            foreach (var m in models) results[m.File] = new EdgeTpuModelResult("off", Message: "Edge TPU compilation is off (EdgeTpu=\"Off\").");
        }
        else if (Locate(settings.EdgeTpuCompilerPath) is not { } compiler)
        {
            var what = $"edgetpu_compiler was not found (EdgeTpuCompilerPath, ${CompilerEnvironmentVariable}, PATH)";
            if (settings.EdgeTpu == EdgeTpuMode.Required)
                throw new ModelBuildException("MB4002", modelFile, $"{what} and EdgeTpu=\"Required\"; {InstallHint}.");
            log.Warning("MB4001", modelFile, $"{what}: the {models.Count} Edge TPU compilations were skipped, the CPU int8 models are built; {InstallHint}.");
            foreach (var m in models) results[m.File] = new EdgeTpuModelResult("skipped", Message: "not compiled: edgetpu_compiler was not found.");
        }
        else
        {
            foreach (var m in models)
            {
                cancel.ThrowIfCancellationRequested();
                results[m.File] = Compile(compiler, Path.Combine(work.ModelsDirectory, m.File), work.TpuDirectory, modelFile, cancel);
                log.Progress($"Edge TPU: compiled {m.File}");
            }
        }

        AtomicFiles.WriteAllText(work.TpuResultsFile, JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
        return results;
    }

    public static IReadOnlyDictionary<string, EdgeTpuModelResult> ReadResults(WorkDirectory work) =>
        File.Exists(work.TpuResultsFile)
            ? JsonSerializer.Deserialize<Dictionary<string, EdgeTpuModelResult>>(File.ReadAllText(work.TpuResultsFile)) ?? []
            : new Dictionary<string, EdgeTpuModelResult>();

    /// <summary>The compiler: the explicit path, then the environment variable, then PATH; null when none exists.</summary>
    public static string? Locate(string? explicitPath)
    {
        foreach (var candidate in new[] { explicitPath, Environment.GetEnvironmentVariable(CompilerEnvironmentVariable) })
            if (!string.IsNullOrWhiteSpace(candidate) && File.Exists(candidate)) return Path.GetFullPath(candidate);
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var path = Path.Combine(dir, "edgetpu_compiler");
            if (File.Exists(path)) return path;
        }

        return null;
    }

    private static EdgeTpuModelResult Compile(string compiler, string model, string outputDir, string modelFile, CancellationToken cancel)
    {
        var stem = Path.GetFileNameWithoutExtension(model);
        var psi = new ProcessStartInfo(compiler) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-s", "-o", outputDir, model }) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new ModelBuildException("MB4003", compiler, "could not be started.");
        using var registration = cancel.Register(() => { try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } });
        var stdout = process.StandardOutput.ReadToEndAsync(cancel);
        var stderr = process.StandardError.ReadToEndAsync(cancel);
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new ModelBuildException("MB4004", modelFile, $"edgetpu_compiler did not finish {Path.GetFileName(model)} within 10 minutes.");
        }

        cancel.ThrowIfCancellationRequested();
        var output = stdout.Result + stderr.Result;
        var compiled = $"{stem}_edgetpu.tflite";
        if (process.ExitCode != 0)
            throw new ModelBuildException("MB4003", modelFile, $"edgetpu_compiler failed on {Path.GetFileName(model)} (exit code {process.ExitCode}): {output.Trim()}");
        if (!File.Exists(Path.Combine(outputDir, compiled)))
            throw new ModelBuildException("MB4003", modelFile, $"edgetpu_compiler exited 0 but wrote no {compiled}: {output.Trim()}");
        var log = $"{stem}_edgetpu.log";
        return new EdgeTpuModelResult("compiled", compiled, File.Exists(Path.Combine(outputDir, log)) ? log : null);
    }
}
