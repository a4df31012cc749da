using System.Globalization;
using System.Text.Json;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.EdgeTpu;

namespace ModelBuild.Cli;

/// <summary>
/// <c>modelbuild edgetpu-check model.tflite [--json]</c>: ModelBuild's own Edge TPU check of any .tflite, without the
/// compiler (the same check every build runs; docs/EDGETPU.md gives its rules and how it compares with the real compiler).
/// </summary>
public static class EdgeTpuCheckCommand
{
    public const string UsageLine = "  edgetpu-check <model.tflite> [--json]   which operators would stay on the CPU, on-chip parameter bytes (no compiler needed)";

    /// <summary>The --json document: <c>cpuOperators</c> maps an operator name to how many stay on the CPU (empty when all map).</summary>
    public sealed record Report(
        string Model, bool Compiled, int Operations, int OperationsOnEdgeTpu, int OperationsOnCpu,
        IReadOnlyDictionary<string, int> CpuOperators, long OnChipParameterBytes, long OnChipCapacityBytes, string OnChipFit,
        IReadOnlyList<Cause> Causes);

    public sealed record Cause(int Index, string Operator, string Output, string Reason, string CompilerStatus);

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    public static int Run(IReadOnlyList<string> args, TextWriter output)
    {
        var files = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
        var unknown = args.Where(a => a.StartsWith("--", StringComparison.Ordinal) && a != "--json").ToList();
        if (files.Count != 1 || unknown.Count > 0)
            throw new UsageException(files.Count == 0 ? "missing the .tflite file." : $"edgetpu-check takes one .tflite file and --json, not '{string.Join(" ", unknown.Concat(files.Skip(1)))}'.");

        var report = Check(files[0]);
        if (args.Contains("--json")) output.WriteLine(JsonSerializer.Serialize(report, Json));
        else Print(report, output);
        return 0;
    }

    public static Report Check(string path)
    {
        EdgeTpuStaticCheckResult r;
        try
        {
            r = EdgeTpuStaticCheck.CheckFile(path);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new ModelBuildException(EdgeTpuCodes.CheckInputUnreadable, path,
                $"cannot be read as a TFLite model ({e.Message}). Give edgetpu-check a .tflite file (an int8/uint8 quantized model, compiled or not).", e);
        }

        var cpu = r.Findings.GroupBy(f => f.Operator).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());
        return new Report(r.Model, r.Compiled, r.Operations, r.OperationsOnEdgeTpu, r.OperationsOnCpu, cpu, r.ParameterBytes, r.OnChipCapacityBytes, r.OnChipFit,
            r.Causes.Select(f => new Cause(f.Index, f.Operator, f.Output, f.Reason, f.CompilerStatus)).ToList());
    }

    private static void Print(Report r, TextWriter o)
    {
        var c = CultureInfo.InvariantCulture;
        o.WriteLine(string.Create(c, $"{r.Model}: {r.OperationsOnEdgeTpu} of {r.Operations} operations on the Edge TPU, {r.OperationsOnCpu} on the CPU (ModelBuild's own check, no compiler)"));
        if (r.Compiled) o.WriteLine("  already compiled: the operations outside its edgetpu-custom-op blocks run on the CPU");
        foreach (var (name, count) in r.CpuOperators) o.WriteLine(string.Create(c, $"  CPU: {name} × {count}"));
        foreach (var f in r.Causes) o.WriteLine(string.Create(c, $"  operation {f.Index + 1} {f.Operator} '{f.Output}': {f.Reason}"));
        if (!r.Compiled)
            o.WriteLine(string.Create(c, $"  on-chip parameters: {r.OnChipParameterBytes} bytes ({r.OnChipParameterBytes / 1048576.0:0.00} MiB) of {r.OnChipCapacityBytes / 1048576} MiB: {r.OnChipFit}"));
    }
}
