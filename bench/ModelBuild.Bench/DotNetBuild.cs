using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ModelBuild.Bench;

/// <summary>What one `dotnet build` took: wall time, memory, and MSBuild's own per-task and per-target times.</summary>
internal sealed record BuildMeasurement(
    double WallSeconds, double CpuSeconds, long PeakTreeBytes, long PeakProcessBytes, string PeakProcess, long KernelPeakRssBytes, int ExitCode,
    IReadOnlyDictionary<string, double> TaskMs, IReadOnlyDictionary<string, double> TargetMs, string Load, string LogFile)
{
    public double TaskSeconds(string task) => TaskMs.GetValueOrDefault(task) / 1000.0;

    /// <summary>Whether the C# compiler ran (then the build was not only ModelBuild's work).</summary>
    public bool Compiled => TaskMs.ContainsKey("Csc");
}

/// <summary>
/// Runs `dotnet build` as a user does (-nodeReuse:false; tasks in the MSBuild process, MSBUILDNOINPROCNODE unset)
/// under /usr/bin/time, with -clp:PerformanceSummary for the time spent in each task and target.
/// </summary>
internal static partial class DotNetBuild
{
    public static BuildMeasurement Run(string project, IEnumerable<string> extraArgs, string logFile, bool summary = true)
    {
        var psi = new ProcessStartInfo(File.Exists("/usr/bin/time") ? "/usr/bin/time" : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (psi.FileName == "/usr/bin/time")
        {
            psi.ArgumentList.Add("-f");
            psi.ArgumentList.Add("BENCH-TIME %e %M");
            psi.ArgumentList.Add("dotnet");
        }

        foreach (var a in new[] { "build", project, "-nodeReuse:false", "-tl:off" }) psi.ArgumentList.Add(a);
        if (summary) psi.ArgumentList.Add("-clp:PerformanceSummary");
        foreach (var a in extraArgs) psi.ArgumentList.Add(a);
        psi.Environment.Remove("MSBUILDNOINPROCNODE");
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";

        var output = new StringBuilder();
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet build");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        ProcessTreeSampler sampler;
        using (sampler = new ProcessTreeSampler(process.Id))
            process.WaitForExit();
        double wall = clock.Elapsed.TotalSeconds;
        var load = BenchEnvironment.LoadAverage;
        var text = output.ToString();
        Directory.CreateDirectory(Path.GetDirectoryName(logFile)!);
        File.WriteAllText(logFile, string.Join(' ', psi.ArgumentList) + "\n\n" + text);

        long kernelPeak = 0;
        if (TimeLine().Match(text) is { Success: true } m)
        {
            wall = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            kernelPeak = long.Parse(m.Groups[2].Value) * 1024;
        }

        return new BuildMeasurement(wall, sampler.CpuSeconds, sampler.PeakTreeBytes, sampler.PeakProcessBytes, sampler.PeakProcess, kernelPeak, process.ExitCode,
            Summary(text, "Task Performance Summary:"), Summary(text, "Target Performance Summary:"), load, logFile);
    }

    /// <summary>"      5234 ms  ConvertInt8                                1 calls" lines after a summary header (summed over nodes).</summary>
    private static Dictionary<string, double> Summary(string text, string header)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        int at = text.IndexOf(header, StringComparison.Ordinal);
        if (at < 0) return result;
        foreach (var line in text[(at + header.Length)..].Split('\n').Skip(1))
        {
            var m = SummaryLine().Match(line);
            if (!m.Success)
            {
                if (line.Trim().Length == 0) continue;
                break;
            }

            result[m.Groups[2].Value] = result.GetValueOrDefault(m.Groups[2].Value) + double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        }

        return result;
    }

    [GeneratedRegex(@"^\s*(\d+)\s+ms\s+(\S+)\s+\d+\s+calls")]
    private static partial Regex SummaryLine();

    [GeneratedRegex(@"BENCH-TIME ([\d.]+) (\d+)")]
    private static partial Regex TimeLine();
}
