using System.Globalization;
using System.Text.RegularExpressions;

namespace ModelBuild.Core.EdgeTpu;

/// <summary>
/// Reads the text <c>edgetpu_compiler</c> prints (stdout) and writes (<c>&lt;name&gt;_edgetpu.log</c>), e.g.
/// <code>
/// Edge TPU Compiler version 16.0.384591198
/// Model compiled successfully in 1354 ms.
/// On-chip memory used for caching model parameters: 6.03MiB
/// Off-chip memory used for streaming uncached model parameters: 0.00B
/// Number of operations that will run on Edge TPU: 139
/// Operator                       Count      Status
/// CONV_2D                        32         Mapped to Edge TPU
/// </code>
/// Unknown lines are ignored, so newer compilers that add lines still parse.
/// </summary>
public static partial class EdgeTpuCompilerOutputParser
{
    public const string VersionPrefix = "Edge TPU Compiler version ";

    /// <summary>Parses stdout and, when given, the .log text (its table fills in when stdout has none, i.e. without <c>-s</c>).</summary>
    public static EdgeTpuCompilerReport Parse(string stdout, string? logText = null)
    {
        var report = new EdgeTpuCompilerReport();
        var rows = ParseTable(stdout);
        foreach (var raw in stdout.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith(VersionPrefix, StringComparison.Ordinal)) report = report with { CompilerVersion = line[VersionPrefix.Length..].Trim() };
            else if (CompiledRegex().Match(line) is { Success: true } m)
                report = report with { CompiledSuccessfully = true, CompileMilliseconds = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) };
            else if (Field(line, "Input model:") is { } input) report = report with { InputModel = input };
            else if (Field(line, "Input size:") is { } inSize) report = report with { InputSizeBytes = ParseSize(inSize) };
            else if (Field(line, "Output model:") is { } output) report = report with { OutputModel = output };
            else if (Field(line, "Output size:") is { } outSize) report = report with { OutputSizeBytes = ParseSize(outSize) };
            else if (Field(line, "On-chip memory used for caching model parameters:") is { } used) report = report with { OnChipMemoryUsedBytes = ParseSize(used) };
            else if (Field(line, "On-chip memory remaining for caching model parameters:") is { } rem) report = report with { OnChipMemoryRemainingBytes = ParseSize(rem) };
            else if (Field(line, "Off-chip memory used for streaming uncached model parameters:") is { } off) report = report with { OffChipMemoryUsedBytes = ParseSize(off) };
            else if (Field(line, "Number of Edge TPU subgraphs:") is { } sub) report = report with { EdgeTpuSubgraphs = ParseInt(sub) };
            else if (Field(line, "Total number of operations:") is { } total) report = report with { TotalOperations = ParseInt(total) };
            else if (Field(line, "Number of operations that will run on Edge TPU:") is { } tpu) report = report with { OperationsOnEdgeTpu = ParseInt(tpu) };
            else if (Field(line, "Number of operations that will run on CPU:") is { } cpu) report = report with { OperationsOnCpu = ParseInt(cpu) };
            else if (Field(line, "Operation log:") is { } log) report = report with { OperationLog = log };
        }

        if (rows.Count == 0 && logText is not null)
        {
            rows = ParseTable(logText);
            if (report.CompilerVersion is null)
            {
                var v = logText.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(VersionPrefix, StringComparison.Ordinal));
                if (v is not null) report = report with { CompilerVersion = v[VersionPrefix.Length..].Trim() };
            }
        }

        return report with { Operators = rows };
    }

    /// <summary>The table under the <c>Operator  Count  Status</c> header; columns are separated by runs of spaces.</summary>
    public static IReadOnlyList<EdgeTpuOperatorRow> ParseTable(string text)
    {
        var rows = new List<EdgeTpuOperatorRow>();
        bool inTable = false;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r', ' ', '\t');
            if (HeaderRegex().IsMatch(line))
            {
                inTable = true;
                continue;
            }

            if (!inTable || line.Length == 0) continue;
            var m = RowRegex().Match(line);
            if (!m.Success)
            {
                // A line that is not a row ends the table (a later table, e.g. co-compiled models, starts with its header again).
                inTable = false;
                continue;
            }

            rows.Add(new EdgeTpuOperatorRow(m.Groups[1].Value, int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), m.Groups[3].Value.Trim()));
        }

        return rows;
    }

    /// <summary>"6.03MiB", "41.75KiB", "0.00B", "1.10GiB" → bytes (rounded).</summary>
    public static long? ParseSize(string text)
    {
        var m = SizeRegex().Match(text.Trim());
        if (!m.Success) return null;
        double value = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        double factor = m.Groups[2].Value switch
        {
            "B" => 1,
            "KiB" or "KB" => 1024,
            "MiB" or "MB" => 1024 * 1024,
            "GiB" or "GB" => 1024.0 * 1024 * 1024,
            _ => double.NaN,
        };
        return double.IsNaN(factor) ? null : (long)Math.Round(value * factor);
    }

    /// <summary>Bytes in the compiler's own style: two decimals and the largest unit not above the value.</summary>
    public static string FormatSize(long bytes) => bytes switch
    {
        >= 1024L * 1024 * 1024 => (bytes / (1024.0 * 1024 * 1024)).ToString("0.00", CultureInfo.InvariantCulture) + "GiB",
        >= 1024L * 1024 => (bytes / (1024.0 * 1024)).ToString("0.00", CultureInfo.InvariantCulture) + "MiB",
        >= 1024 => (bytes / 1024.0).ToString("0.00", CultureInfo.InvariantCulture) + "KiB",
        _ => bytes.ToString("0.00", CultureInfo.InvariantCulture) + "B",
    };

    /// <summary>The compiler's own words from a failed run: every non-empty line except the banner and timer chatter.</summary>
    /// <summary>
    /// True when the compiler says its own <c>-t</c> timer ended the compilation. Compiler 16 prints
    /// "Compilation timeout. This is usually caused by large activations." (a log published in Coral's issue tracker).
    /// </summary>
    public static bool ReportsTimeout(string stdout) =>
        stdout.Split('\n').Any(l => l.TrimStart().StartsWith(TimeoutPrefix, StringComparison.Ordinal));

    public const string TimeoutPrefix = "Compilation timeout";

    public static string FailureMessage(string stdout, string stderr)
    {
        var lines = (stdout + "\n" + stderr).Split('\n').Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith(VersionPrefix, StringComparison.Ordinal)
                        && !l.StartsWith("Started a compilation timeout timer", StringComparison.Ordinal)
                        && !l.StartsWith("Compilation child process completed within timeout period", StringComparison.Ordinal))
            .ToList();
        return lines.Count == 0 ? "the compiler printed nothing" : string.Join(" ", lines);
    }

    private static string? Field(string line, string label) =>
        line.StartsWith(label, StringComparison.Ordinal) ? line[label.Length..].Trim() : null;

    private static int? ParseInt(string text) => int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;

    [GeneratedRegex(@"^Models? compiled successfully in (\d+) ms\.?$")]
    private static partial Regex CompiledRegex();

    [GeneratedRegex(@"^Operator\s+Count\s+Status\s*$")]
    private static partial Regex HeaderRegex();

    [GeneratedRegex(@"^([A-Za-z0-9_\-]+)\s+(\d+)\s+(\S.*)$")]
    private static partial Regex RowRegex();

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)\s*(B|KiB|MiB|GiB|KB|MB|GB)$")]
    private static partial Regex SizeRegex();
}
