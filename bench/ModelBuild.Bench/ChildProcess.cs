using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ModelBuild.Bench;

/// <summary>A command run under /usr/bin/time: its output, wall time and the kernel's peak RSS of its largest process.</summary>
internal sealed record ChildResult(int ExitCode, string Output, double WallSeconds, long PeakRssBytes);

internal static partial class ChildProcess
{
    public static ChildResult Run(string file, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo("/usr/bin/time") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var x in new[] { "-f", "BENCH-TIME %e %M", file }.Concat(args)) psi.ArgumentList.Add(x);
        var output = new StringBuilder();
        using var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        p.WaitForExit();
        var text = output.ToString();
        var m = TimeLine().Match(text);
        return new ChildResult(p.ExitCode, text,
            m.Success ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : double.NaN,
            m.Success ? long.Parse(m.Groups[2].Value) * 1024 : 0);
    }

    /// <summary>Runs this bench program again with other arguments (same runtime, same build).</summary>
    public static ChildResult RunSelf(IEnumerable<string> args) =>
        Run("dotnet", new[] { typeof(ChildProcess).Assembly.Location }.Concat(args));

    [GeneratedRegex(@"BENCH-TIME ([\d.]+) (\d+)")]
    private static partial Regex TimeLine();
}
