using System.Text.Json.Serialization;

namespace ModelBuild.Core.Quantization;

/// <summary>int8 against float over the report's inputs. <see cref="SqnrDb"/> is absent when int8 equals float exactly.</summary>
public sealed record AgreementFigures(double? SqnrDb, int? Top1Agree, int Inputs)
{
    /// <param name="classifier">Top-1 is counted only for outputs shaped [1, classes].</param>
    public static AgreementFigures Of(OutputAgreement a, bool classifier) =>
        new(Round(a.SqnrDb), classifier ? a.Top1Agree : null, a.Inputs);

    internal static double? Round(double db) => double.IsPositiveInfinity(db) ? null : double.IsNegativeInfinity(db) ? -999 : Math.Round(db, 2);
}

/// <summary>One tensor of the per-layer comparison: the int8 tensor against the float one, error accumulated from the input on.</summary>
public sealed record LayerAccuracy(string Layer, [property: JsonPropertyName("class")] string Class, string Tensor, double? SqnrDb, double? LossDb);

/// <summary>
/// meta.json <c>accuracy</c>: how far the int8 model is from the float one on a few inputs, for the whole model, for
/// the folder's chain, and the layers where it is worst (docs/META-JSON.md).
/// </summary>
public sealed record AccuracyReport(
    int Samples, bool HeldOut, AgreementFigures Model, IReadOnlyList<LayerAccuracy> WorstLayers, LayerAccuracy? MostLoss, double MinSqnrDb,
    AgreementFigures? Chain = null, bool? ChainMatchesModel = null)
{
    /// <summary>For note.txt and the MB3070 warning.</summary>
    [JsonIgnore]
    public string Evaluation => HeldOut
        ? $"{Samples} calibration samples held back (not calibrated on)"
        : $"{Samples} calibration samples reused (too few to hold any back, so the figures are optimistic)";
}

/// <summary>What ConvertInt8 leaves in the model store for EmitCombos: the whole model's report and each combo's chain.</summary>
public sealed record StoredAccuracy(AccuracyReport Report, IReadOnlyDictionary<string, ChainFigures> Chains);

public sealed record ChainFigures(AgreementFigures Figures, bool MatchesModel);
