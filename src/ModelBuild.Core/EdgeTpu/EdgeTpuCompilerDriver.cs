using System.Diagnostics;
using ModelBuild.Core.Artifacts;
using ModelBuild.Core.Diagnostics;

namespace ModelBuild.Core.EdgeTpu;

/// <summary>
/// Runs edgetpu_compiler on models, one process per model, up to one per core at a time:
/// <c>edgetpu_compiler -s -o &lt;dir&gt; model.tflite</c> → <c>&lt;stem&gt;_edgetpu.tflite</c> and <c>&lt;stem&gt;_edgetpu.log</c>.
/// </summary>
public sealed class EdgeTpuCompilerDriver(string compilerPath, TimeSpan timeout)
{
    public IReadOnlyDictionary<string, EdgeTpuModelResult> CompileAll(IReadOnlyList<string> models, string outputDirectory, IBuildLog log, CancellationToken cancel = default)
    {
        Directory.CreateDirectory(outputDirectory);
        var results = new System.Collections.Concurrent.ConcurrentDictionary<string, EdgeTpuModelResult>();
        Parallel.ForEach(models, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancel },
            model => results[Path.GetFileName(model)] = Compile(model, outputDirectory, log, cancel));
        return results.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(kv => kv.Key, kv => kv.Value);
    }

    public EdgeTpuModelResult Compile(string model, string outputDirectory, IBuildLog log, CancellationToken cancel = default)
    {
        var stem = Path.GetFileNameWithoutExtension(model);
        var compiled = stem + "_edgetpu.tflite";
        var logFile = stem + "_edgetpu.log";
        var psi = new ProcessStartInfo(compilerPath) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-s", "-o", outputDirectory, model }) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new ModelBuildException("MB4002", model, $"could not start the Edge TPU compiler '{compilerPath}'.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancel);
        var stderr = process.StandardError.ReadToEndAsync(cancel);
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new ModelBuildException("MB4003", model, $"the Edge TPU compiler did not finish within {timeout.TotalSeconds:F0} s; raise EdgeTpuTimeoutSeconds or check the model.");
        }

        var output = stdout.Result + stderr.Result;
        if (process.ExitCode != 0)
            throw new ModelBuildException("MB4002", model, $"edgetpu_compiler failed (exit code {process.ExitCode}): {output.Trim()}");
        if (!File.Exists(Path.Combine(outputDirectory, compiled)))
            throw new ModelBuildException("MB4004", model, $"edgetpu_compiler exited successfully but wrote no {compiled}; its output was: {output.Trim()}");

        var logPath = Path.Combine(outputDirectory, logFile);
        var text = output + (File.Exists(logPath) ? "\n" + File.ReadAllText(logPath) : "");
        var result = EdgeTpuLogParser.Parse(text, compiled, File.Exists(logPath) ? logFile : null);
        var name = Path.GetFileName(model);
        if (result.OperationsMapped is { } mapped && result.OperationsTotal is { } total && mapped < total)
            log.Warning("MB4010", model, $"{name}: only {mapped} of {total} operations map to the Edge TPU; the rest run on the CPU (see {logFile}).");
        if (result.OffChipMemoryMiB is > 0)
            log.Warning("MB4011", model, $"{name}: {result.OffChipMemoryMiB:F2} MiB of parameters stream from host memory (on-chip {result.OnChipMemoryMiB:F2} MiB); lower BudgetMiB.");
        log.Progress($"{name}: Edge TPU {result.OperationsMapped}/{result.OperationsTotal} ops mapped, on-chip {result.OnChipMemoryMiB} MiB, off-chip {result.OffChipMemoryMiB} MiB");
        return result;
    }
}
