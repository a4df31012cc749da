using System.Diagnostics;
using System.Globalization;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Files;

namespace ModelBuild.Core.EdgeTpu;

/// <summary>
/// Runs <c>edgetpu_compiler -s -o &lt;dir&gt; [-m N] [-t S] model.tflite</c>, one process per model, several at once,
/// and turns what it printed into <see cref="EdgeTpuCompileResult"/>s. Each model compiles into a private staging
/// folder; only a complete success moves <c>&lt;name&gt;_edgetpu.tflite</c> and <c>&lt;name&gt;_edgetpu.log</c> into the
/// target folder, so a failed or cancelled run never leaves an output that looks up to date.
/// Failures do not throw: they come back as results with <see cref="EdgeTpuCompileResult.ErrorCode"/> (see
/// <see cref="ThrowIfAnyFailed"/>). Cancellation kills the running compilers and throws <see cref="OperationCanceledException"/>.
/// </summary>
public sealed class EdgeTpuCompilerDriver
{
    public EdgeTpuCompilerDriver(EdgeTpuCompiler compiler, EdgeTpuCompileOptions? options = null)
    {
        Compiler = compiler;
        Options = options ?? new EdgeTpuCompileOptions();
    }

    public EdgeTpuCompiler Compiler { get; }

    public EdgeTpuCompileOptions Options { get; }

    /// <summary>Compiles every model into <paramref name="outputDirectory"/>; results come back in the order of <paramref name="models"/>.</summary>
    public async Task<IReadOnlyList<EdgeTpuCompileResult>> CompileAsync(
        IReadOnlyList<string> models, string outputDirectory, IBuildLog log, CancellationToken cancellationToken = default)
    {
        var duplicate = models.GroupBy(m => Path.GetFileName(m), StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ModelBuildException(EdgeTpuCodes.DuplicateModelName, Options.SourceFile ?? duplicate.First(),
                $"two models to compile for the Edge TPU are both named '{duplicate.Key}'; their outputs would overwrite each other. Give them distinct file names.");
        // The compiler runs in its staging folder, so a relative -o would resolve against that folder, not ours.
        outputDirectory = Path.GetFullPath(outputDirectory);
        Directory.CreateDirectory(outputDirectory);
        var results = new EdgeTpuCompileResult[models.Count];
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = Math.Max(1, Options.MaxParallelism ?? Environment.ProcessorCount),
            CancellationToken = cancellationToken,
        };
        await Parallel.ForEachAsync(Enumerable.Range(0, models.Count), parallel, async (i, ct) =>
        {
            results[i] = await CompileOneAsync(models[i], outputDirectory, log, ct).ConfigureAwait(false);
        }).ConfigureAwait(false);
        return results;
    }

    /// <summary>Synchronous <see cref="CompileAsync"/> for MSBuild tasks.</summary>
    public IReadOnlyList<EdgeTpuCompileResult> Compile(IReadOnlyList<string> models, string outputDirectory, IBuildLog log, CancellationToken cancellationToken = default) =>
        CompileAsync(models, outputDirectory, log, cancellationToken).GetAwaiter().GetResult();

    /// <summary>Throws the first failure as a <see cref="ModelBuildException"/> (its message also counts the others).</summary>
    /// <param name="file">The file the error names (a build's KerasModel .h5; the message names the model); null names the model.</param>
    public static void ThrowIfAnyFailed(IEnumerable<EdgeTpuCompileResult> results, string? file = null)
    {
        var failed = results.Where(r => r.IsFailure).ToList();
        if (failed.Count == 0) return;
        var first = failed[0];
        var more = failed.Count > 1 ? $" ({failed.Count - 1} more model(s) failed: {string.Join(", ", failed.Skip(1).Select(f => f.Model))})" : "";
        throw new ModelBuildException(first.ErrorCode ?? EdgeTpuCodes.CompilerFailed, file ?? first.Model, first.Message + more);
    }

    public static string CompiledFileName(string model) => Path.GetFileNameWithoutExtension(model) + "_edgetpu.tflite";

    public static string LogFileName(string model) => Path.GetFileNameWithoutExtension(model) + "_edgetpu.log";

    /// <summary>The compiler's command line for one model (without the executable).</summary>
    public IReadOnlyList<string> Arguments(string model, string outputDirectory)
    {
        var args = new List<string> { "-s", "-o", outputDirectory };
        if (Options.MinRuntimeVersion is { } m) args.AddRange(["-m", m.ToString(CultureInfo.InvariantCulture)]);
        if (Options.CompilerTimeoutSeconds is { } t) args.AddRange(["-t", t.ToString(CultureInfo.InvariantCulture)]);
        args.Add(model);
        return args;
    }

    private async Task<EdgeTpuCompileResult> CompileOneAsync(string model, string outputDirectory, IBuildLog log, CancellationToken ct)
    {
        var name = Path.GetFileName(model);
        using var staging = StagingDirectory.For(Path.Combine(outputDirectory, Path.GetFileNameWithoutExtension(model)));
        var run = await RunAsync(Path.GetFullPath(model), staging.Path, ct).ConfigureAwait(false);
        if (run.TimedOut)
            return Failure(name, EdgeTpuCodes.CompilerTimedOut, Options.CompilerTimeoutSeconds is { } t
                ? $"{EdgeTpuCompilerLocator.ExecutableName} did not finish compiling {name} within {t} s: its own timer (-t {t}) did not stop it, so ModelBuild killed it after {Options.ProcessTimeout.TotalSeconds:0} s. Raise EdgeTpuTimeoutSeconds, or check the compiler."
                : $"{EdgeTpuCompilerLocator.ExecutableName} did not finish compiling {name} within {Options.ProcessTimeout.TotalSeconds:0} s and was stopped. Raise EdgeTpuTimeoutSeconds, or check the compiler.");
        if (run.ExitCode != 0 && EdgeTpuCompilerOutputParser.ReportsTimeout(run.Stdout))
            return Failure(name, EdgeTpuCodes.CompilerTimedOut,
                $"{EdgeTpuCompilerLocator.ExecutableName} stopped compiling {name} at its own timeout{(Options.CompilerTimeoutSeconds is { } own ? $" of {own} s (-t)" : "")}: " +
                $"{EdgeTpuCompilerOutputParser.FailureMessage(run.Stdout, run.Stderr)} Raise EdgeTpuTimeoutSeconds.");
        if (run.ExitCode != 0)
            return Failure(name, EdgeTpuCodes.CompilerFailed,
                $"{EdgeTpuCompilerLocator.ExecutableName} failed on {name} (exit code {run.ExitCode}): {EdgeTpuCompilerOutputParser.FailureMessage(run.Stdout, run.Stderr)}");

        var compiled = CompiledFileName(model);
        var logName = LogFileName(model);
        var stagedModel = Path.Combine(staging.Path, compiled);
        if (!File.Exists(stagedModel) || new FileInfo(stagedModel).Length == 0)
            return Failure(name, EdgeTpuCodes.CompilerWroteNoOutput,
                $"{EdgeTpuCompilerLocator.ExecutableName} exited 0 for {name} but wrote no {compiled}. Its output: {EdgeTpuCompilerOutputParser.FailureMessage(run.Stdout, run.Stderr)}");

        var stagedLog = Path.Combine(staging.Path, logName);
        string? logText = File.Exists(stagedLog) ? await File.ReadAllTextAsync(stagedLog, ct).ConfigureAwait(false) : null;
        var report = EdgeTpuCompilerOutputParser.Parse(run.Stdout, logText);

        File.Move(stagedModel, Path.Combine(outputDirectory, compiled), overwrite: true);
        if (logText is not null) File.Move(stagedLog, Path.Combine(outputDirectory, logName), overwrite: true);
        var result = FromReport(name, compiled, logText is null ? null : logName, report);
        Report(result, report, log);
        return result;
    }

    private EdgeTpuCompileResult FromReport(string name, string compiled, string? logName, EdgeTpuCompilerReport r)
    {
        var result = new EdgeTpuCompileResult
        {
            Model = name,
            Status = EdgeTpuCompileResult.Compiled,
            CompiledFile = compiled,
            LogFile = logName,
            CompilerVersion = r.CompilerVersion ?? Compiler.Version,
            OnChipMemoryUsedMiB = EdgeTpuCompileResult.MiB(r.OnChipMemoryUsedBytes),
            OnChipMemoryRemainingMiB = EdgeTpuCompileResult.MiB(r.OnChipMemoryRemainingBytes),
            OffChipMemoryUsedMiB = EdgeTpuCompileResult.MiB(r.OffChipMemoryUsedBytes),
            EdgeTpuSubgraphs = r.EdgeTpuSubgraphs,
            OperationsTotal = r.TotalOperations ?? (r.Operators.Count > 0 ? r.Operators.Sum(o => o.Count) : null),
            OperationsMapped = r.OperationsMapped,
            Operators = r.Operators,
        };
        return result with { Message = Summary(result, r) };
    }

    private static string Summary(EdgeTpuCompileResult r, EdgeTpuCompilerReport report) =>
        $"{r.Model} -> {r.CompiledFile}: {r.OperationsMapped?.ToString(CultureInfo.InvariantCulture) ?? "?"}/{r.OperationsTotal?.ToString(CultureInfo.InvariantCulture) ?? "?"} operations on the Edge TPU, " +
        $"{r.EdgeTpuSubgraphs?.ToString(CultureInfo.InvariantCulture) ?? "?"} Edge TPU subgraph(s), on-chip parameters {Size(report.OnChipMemoryUsedBytes)} " +
        $"(remaining {Size(report.OnChipMemoryRemainingBytes)}), off-chip {Size(report.OffChipMemoryUsedBytes)}";

    private static string Size(long? bytes) => bytes is { } b ? EdgeTpuCompilerOutputParser.FormatSize(b) : "?";

    private void Report(EdgeTpuCompileResult r, EdgeTpuCompilerReport report, IBuildLog log)
    {
        log.Progress("Edge TPU: " + r.Message);
        if (report.CompilerVersion is null || report.TotalOperations is null || report.OnChipMemoryUsedBytes is null)
            log.Warning(EdgeTpuCodes.ReportUnreadable, Options.SourceFile ?? r.Model,
                $"could not read the Edge TPU compiler's report for {r.Model} (version, operation count or memory figures missing); meta.json lacks them. Is {EdgeTpuCompilerLocator.ExecutableName} a supported version?");
        if (r.OperationsOnCpu is > 0)
        {
            var notMapped = string.Join("; ", r.Operators.Where(o => !o.IsMapped).Select(o => $"{o.Operator} x{o.Count}: {o.Status}"));
            log.Warning(EdgeTpuCodes.OperationsOnCpu, Options.SourceFile ?? r.Model,
                $"{r.OperationsOnCpu} of {r.OperationsTotal} operations of {r.Model} will run on the CPU, not the Edge TPU ({r.EdgeTpuSubgraphs} Edge TPU subgraph(s)). {notMapped}".TrimEnd());
        }

        if (report.OffChipMemoryUsedBytes is > 0)
        {
            // A tail runs segments k..K as one model, so it is larger than one segment by design: other advice.
            var advice = Path.GetFileName(r.Model).StartsWith("tail_", StringComparison.Ordinal)
                ? "a tail holds several segments, so this is expected unless they fit together; where that latency matters, deploy the full_split chain instead of this pairs_k combo."
                : "lower BudgetMiB so each segment fits on-chip.";
            log.Warning(EdgeTpuCodes.ParametersOffChip, Options.SourceFile ?? r.Model,
                $"{r.Model} streams {Size(report.OffChipMemoryUsedBytes)} of parameters from host memory on every inference (on-chip cache used {Size(report.OnChipMemoryUsedBytes)}, remaining {Size(report.OnChipMemoryRemainingBytes)}); {advice}");
        }
    }

    private static EdgeTpuCompileResult Failure(string model, string code, string message) =>
        new() { Model = model, Status = EdgeTpuCompileResult.Failed, ErrorCode = code, Message = message };

    private sealed record ProcessRun(int ExitCode, string Stdout, string Stderr, bool TimedOut);

    private async Task<ProcessRun> RunAsync(string model, string outputDirectory, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(Compiler.Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = outputDirectory,
        };
        foreach (var a in Arguments(model, outputDirectory)) psi.ArgumentList.Add(a);
        foreach (var (k, v) in Options.EnvironmentVariables) psi.Environment[k] = v;
        using var process = Process.Start(psi) ?? throw new ModelBuildException(EdgeTpuCodes.CompilerFailed, Options.SourceFile ?? model, $"could not start {Compiler.Path} for {Path.GetFileName(model)}");
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Options.ProcessTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); }
            catch (InvalidOperationException) { }
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            return new ProcessRun(-1, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false), TimedOut: true);
        }

        return new ProcessRun(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false), TimedOut: false);
    }
}
