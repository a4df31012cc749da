using System.Globalization;
using System.Text;
using ModelBuild.Core.EdgeTpu;
using ModelBuild.Core.Slicing;

namespace ModelBuild.Core.Layout;

/// <summary>note.txt: meta.json said for a person, with a small table of the models.</summary>
public static class NoteText
{
    /// <summary>Its name in every layout folder.</summary>
    public const string FileName = "note.txt";

    public static string Render(ComboMeta meta)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"{meta.Model} — {meta.Combo}");
        sb.AppendLine(c, $"Source: {meta.Source.File} (sha256 {meta.Source.Sha256})");
        sb.AppendLine(c, $"Budget: {meta.BudgetMiB} MiB per segment; {meta.SegmentCount} segments in the full split; quantization: int8, {meta.Quantization} weights");
        sb.AppendLine(c, $"Calibration: {meta.Calibration.Samples} samples from {meta.Calibration.Source} (preprocessing: {meta.Calibration.Preprocessing})");
        if (meta.Calibration.Derived is > 0)
            sb.AppendLine(c, $"  {meta.Calibration.Original} original, {meta.Calibration.Derived} derived from them (crops and mirror images; CalibrationAugment=Auto)");
        if (meta.Accuracy is { } accuracy) AccuracyNote.Append(sb, accuracy);
        sb.AppendLine(meta.Combo == ComboPlan.FullSplitFolder
            ? "Run the segments one after another, feeding each output to the next input."
            : $"Run segments 1..{meta.K - 1} (e.g. on Edge TPUs), then the tail model for segments {meta.K}..{meta.SegmentCount}.");
        sb.AppendLine();
        sb.AppendLine(string.Create(c, $"{"#",-3} {"file",-32} {"bytes",10} {"MiB",8} {"input",-28} {"output",-22} {"Edge TPU",-12}").TrimEnd());
        foreach (var m in meta.Models)
        {
            var input = m.Inputs.Count == 1 ? $"{Shape(m.Inputs[0].Shape)} {m.Inputs[0].Dtype}" : $"{m.Inputs.Count} inputs";
            var output = m.Outputs.Count == 1 ? Shape(m.Outputs[0].Shape) : $"{m.Outputs.Count} outputs";
            sb.AppendLine(string.Create(c, $"{m.Order,-3} {Path.GetFileName(m.File),-32} {m.Bytes,10} {m.MiB,8:F2} {input,-28} {output,-22} {m.EdgeTpu.Status,-12}").TrimEnd());
        }

        sb.AppendLine();
        if (meta.Cuts.Count > 0)
        {
            sb.AppendLine("Cut tensors:");
            foreach (var cut in meta.Cuts) sb.AppendLine(c, $"  {cut.Tensor} {Shape(cut.Shape)}");
        }

        var notCompiled = meta.Models.Where(m => m.EdgeTpu.Message is not null).Select(m => m.EdgeTpu.Message).Distinct().ToList();
        foreach (var message in notCompiled) sb.AppendLine(c, $"Edge TPU: {message}");
        AppendEdgeTpuCheck(sb, meta);
        return sb.ToString();
    }

    /// <summary>One line for ModelBuild's own Edge TPU check, plus one per model it expects to run partly on the CPU or not to fit on-chip.</summary>
    private static void AppendEdgeTpuCheck(StringBuilder sb, ComboMeta meta)
    {
        var c = CultureInfo.InvariantCulture;
        var checks = meta.Models.Where(m => m.EdgeTpuCheck is not null).Select(m => (File: Path.GetFileName(m.File), Check: m.EdgeTpuCheck!)).ToList();
        if (checks.Count == 0) return;
        var good = checks.Count(x => x.Check.OperationsOnCpu == 0 && x.Check.OnChipFit != EdgeTpuCheckEntry.Exceeds);
        var largest = checks.Max(x => x.Check.ParameterMiB);
        var capacity = checks[0].Check.OnChipCapacityMiB;
        sb.AppendLine(good == checks.Count
            ? string.Create(c, $"Edge TPU check (ModelBuild's own, without the compiler): all {checks.Count} models map fully to the Edge TPU and fit its {capacity:0.##} MiB on-chip cache (largest {largest:F2} MiB of parameters).")
            : string.Create(c, $"Edge TPU check (ModelBuild's own, without the compiler): {good} of {checks.Count} models map fully to the Edge TPU and fit its {capacity:0.##} MiB on-chip cache."));
        foreach (var (file, check) in checks)
        {
            var problems = new List<string>();
            if (check.OperationsOnCpu > 0)
            {
                var first = check.CpuOperations.FirstOrDefault();
                problems.Add(string.Create(c, $"{check.OperationsOnCpu} of {check.Operations} operations would run on the CPU")
                             + (first is null ? "" : $" (from {first.Operator} '{first.Output}': {first.Reason})"));
            }

            if (check.OnChipFit == EdgeTpuCheckEntry.Exceeds)
                problems.Add(string.Create(c, $"about {check.ParameterMiB:F2} MiB of parameters, more than the on-chip cache: the rest streams from host memory"));
            else if (check.OnChipFit == EdgeTpuCheckEntry.Tight)
                problems.Add(string.Create(c, $"about {check.ParameterMiB:F2} MiB of parameters, close to the on-chip cache: the compiler may stream some"));
            if (problems.Count > 0) sb.AppendLine(c, $"  {file}: {string.Join("; ", problems)}");
        }
    }

    private static string Shape(int[] shape) => "(" + string.Join(",", shape) + ")";
}
