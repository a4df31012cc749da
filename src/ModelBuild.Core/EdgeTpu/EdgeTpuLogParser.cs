using System.Globalization;
using System.Text.RegularExpressions;
using ModelBuild.Core.Artifacts;

namespace ModelBuild.Core.EdgeTpu;

/// <summary>Reads the figures edgetpu_compiler prints (stdout with -s, and its .log) into a result record.</summary>
public static partial class EdgeTpuLogParser
{
    public static EdgeTpuModelResult Parse(string text, string compiledFile, string? logFile)
    {
        var version = Match(VersionPattern(), text);
        var onChip = Memory(Match(OnChipPattern(), text));
        var offChip = Memory(Match(OffChipPattern(), text));
        var subgraphs = Int(Match(SubgraphsPattern(), text));
        var total = Int(Match(TotalOpsPattern(), text));
        var mapped = Int(Match(TpuOpsPattern(), text));
        return new EdgeTpuModelResult("compiled", compiledFile, logFile, version, onChip, offChip, mapped, total, subgraphs);
    }

    private static string? Match(Regex r, string text) => r.Match(text) is { Success: true } m ? m.Groups[1].Value.Trim() : null;

    private static int? Int(string? s) => int.TryParse(s, out var v) ? v : null;

    /// <summary>"3.14MiB", "512.00KiB", "0.00B" → MiB.</summary>
    internal static double? Memory(string? s)
    {
        if (s is null) return null;
        var m = MemoryPattern().Match(s);
        if (!m.Success) return null;
        var value = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        var unit = m.Groups[2].Value.ToUpperInvariant();
        var mib = unit switch { "GIB" => value * 1024, "MIB" => value, "KIB" => value / 1024, _ => value / (1024 * 1024) };
        return Math.Round(mib, 4);
    }

    [GeneratedRegex(@"Edge TPU Compiler version\s+(\S+)")]
    private static partial Regex VersionPattern();

    [GeneratedRegex(@"On-chip memory used for caching model parameters:\s*(\S+)")]
    private static partial Regex OnChipPattern();

    [GeneratedRegex(@"Off-chip memory used for streaming uncached model parameters:\s*(\S+)")]
    private static partial Regex OffChipPattern();

    [GeneratedRegex(@"Number of Edge TPU subgraphs:\s*(\d+)")]
    private static partial Regex SubgraphsPattern();

    [GeneratedRegex(@"Total number of operations:\s*(\d+)")]
    private static partial Regex TotalOpsPattern();

    [GeneratedRegex(@"Number of operations that will run on Edge TPU:\s*(\d+)")]
    private static partial Regex TpuOpsPattern();

    [GeneratedRegex(@"^([0-9.]+)\s*([KMG]?i?B)$", RegexOptions.IgnoreCase)]
    private static partial Regex MemoryPattern();
}
