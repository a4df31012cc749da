using System.Globalization;
using ModelBuild.Core.Diagnostics;

namespace ModelBuild.Core.Quantization;

/// <summary>Warning MB3070: the int8 model is further from the float model than <c>MinSqnrDb</c> allows.</summary>
public static class AccuracyWarning
{
    public static void Check(AccuracyReport report, string modelFile, IBuildLog log)
    {
        if (report.MinSqnrDb <= 0 || report.Model.SqnrDb is not double db || db >= report.MinSqnrDb) return;
        var worst = report.WorstLayers.FirstOrDefault();
        var lossiest = report.MostLoss;
        var c = CultureInfo.InvariantCulture;
        var where = worst is null ? "" : string.Create(c, $" The worst layer is '{worst.Layer}' ({worst.Class}) at {worst.SqnrDb:F1} dB")
            + (lossiest is null || lossiest == worst ? "." : string.Create(c, $"; the most is lost at '{lossiest.Layer}' ({lossiest.Class}), {lossiest.LossDb:F1} dB."));
        log.Warning("MB3070", modelFile, string.Create(c,
            $"the int8 model agrees with the float model at only {db:F1} dB SQNR (MinSqnrDb is {report.MinSqnrDb:0.#}) on {report.Evaluation}.{where} ")
            + "Calibrate with more, and more representative, inputs (CalibrationData: a folder of images like those the model will see, "
            + "with the model's Preprocessing); or set MinSqnrDb=\"0\" to silence this warning.");
    }

    /// <summary>"SQNR 23.4 dB, top-1 4/4 (4 held-out samples)" for progress lines and note.txt.</summary>
    public static string Summary(AccuracyReport report) => Format(report.Model) + (report.HeldOut ? $" on {report.Samples} held-out samples" : $" on {report.Samples} reused calibration samples");

    public static string Format(AgreementFigures f) =>
        (f.SqnrDb is double db ? string.Create(CultureInfo.InvariantCulture, $"SQNR {db:F1} dB") : "identical outputs")
        + (f.Top1Agree is int top ? $", top-1 {top}/{f.Inputs}" : "");
}
