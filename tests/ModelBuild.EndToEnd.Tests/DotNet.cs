using System.Diagnostics;
using System.Text;

namespace ModelBuild.EndToEnd.Tests;

/// <summary>The outcome of one `dotnet` process: exit code and the combined output.</summary>
public sealed record DotNetResult(int ExitCode, string Output, TimeSpan Elapsed)
{
    /// <summary>Names of the ModelBuild pipeline tasks that executed (from the detailed log's "Task \"X\"" lines).</summary>
    public IReadOnlyList<string> PipelineTasksRun =>
        new[] { "CutModel", "ConvertInt8", "CompileEdgeTpu", "EmitCombos" }
            .Where(t => Output.Contains($"Task \"{t}\"", StringComparison.Ordinal)).ToList();
}

/// <summary>
/// Runs the dotnet CLI as a user would, isolated from the test host: no MSBuild variables inherited from
/// `dotnet test`, no node reuse (it would lock the task assembly), a private NuGet package folder.
/// </summary>
public static class DotNet
{
    public static DotNetResult Run(string workingDirectory, string packagesDirectory, params string[] arguments)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        foreach (var key in psi.Environment.Keys.ToList())
            if (key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || key is "DOTNET_HOST_PATH" or "MSBUILDNOINPROCNODE")
                psi.Environment.Remove(key);
        psi.Environment["NUGET_PACKAGES"] = packagesDirectory;
        psi.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";

        var output = new StringBuilder();
        var clock = Stopwatch.StartNew();
        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(TimeSpan.FromMinutes(15)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', arguments)} did not finish in 15 minutes:\n{output}");
        }

        process.WaitForExit();
        return new DotNetResult(process.ExitCode, output.ToString(), clock.Elapsed);
    }
}
