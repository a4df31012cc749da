using System.Globalization;
using System.Text;
using ModelBuild.Core.Quantization;

namespace ModelBuild.Core.Layout;

/// <summary>note.txt's accuracy lines: meta.json <c>accuracy</c> for a person.</summary>
internal static class AccuracyNote
{
    public static void Append(StringBuilder sb, AccuracyReport a)
    {
        var c = CultureInfo.InvariantCulture;
        sb.AppendLine(c, $"Accuracy, int8 vs float, on {a.Evaluation}:");
        sb.AppendLine(c, $"  whole model: {AccuracyWarning.Format(a.Model)}");
        if (a.Chain is { } chain)
            sb.AppendLine($"  this folder's chain, run from its files on the first input: {AccuracyWarning.Format(chain)}"
                          + (a.ChainMatchesModel == true ? " (bit-identical to the whole int8 model)" : " (differs from the whole int8 model)"));
        if (a.WorstLayers.Count > 0)
            sb.AppendLine("  worst tensors: " + string.Join("; ", a.WorstLayers.Select(l =>
                string.Create(c, $"{l.Layer} ({l.Class}) {(l.SqnrDb is double d ? d.ToString("F1", c) + " dB" : "exact")}"))));
        if (a.MostLoss is { } loss)
            sb.AppendLine(string.Create(c, $"  most lost in one layer: {loss.Layer} ({loss.Class}), {loss.LossDb:F1} dB"));
        if (a.MinSqnrDb > 0 && a.Model.SqnrDb < a.MinSqnrDb)
            sb.AppendLine(c, $"  below MinSqnrDb ({a.MinSqnrDb:0.#} dB): calibrate with more, and more representative, inputs (warning MB3070).");
    }
}
