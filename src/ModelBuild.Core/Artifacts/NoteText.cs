using System.Globalization;
using System.Text;

namespace ModelBuild.Core.Artifacts;

/// <summary>note.txt: meta.json said for a person, with a small table of the models.</summary>
public static class NoteText
{
    public static string Render(ComboMeta meta)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"{meta.Model} — {meta.Combo}");
        sb.AppendLine(c, $"Source: {meta.Source.File} (sha256 {meta.Source.Sha256})");
        sb.AppendLine(c, $"Budget: {meta.BudgetMiB} MiB per segment; {meta.SegmentCount} segments in the full split; quantization: int8, {meta.Quantization} weights");
        sb.AppendLine(c, $"Calibration: {meta.Calibration.Samples} samples from {meta.Calibration.Source} (preprocessing: {meta.Calibration.Preprocessing})");
        sb.AppendLine(meta.Combo == "full_split"
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
        return sb.ToString();
    }

    private static string Shape(int[] shape) => "(" + string.Join(",", shape) + ")";
}
