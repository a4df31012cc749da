using System.Text.Json;
using System.Text.Json.Serialization;
using ModelBuild.Core.EdgeTpu;
using ModelBuild.Core.Slicing;

namespace ModelBuild.Core.Layout;

/// <summary>Where the model came from.</summary>
public sealed record SourceInfo(string File, string Sha256);

/// <summary>What the quantizer was calibrated with: <see cref="Samples"/> = <see cref="Original"/> + <see cref="Derived"/> (crops and mirror images).</summary>
public sealed record CalibrationInfo(string Source, int Samples, string Preprocessing, int? Original = null, int? Derived = null);

/// <summary>One model of a combo, in run order.</summary>
public sealed record ComboModelEntry(
    int Order, string File, string Role, int[] Segments, long Bytes, [property: JsonPropertyName("mib")] double MiB, string Sha256,
    IReadOnlyList<TensorInfo> Inputs, IReadOnlyList<TensorInfo> Outputs, EdgeTpuModelResult EdgeTpu, EdgeTpuCheckEntry? EdgeTpuCheck = null);

/// <summary>
/// meta.json: the machine-readable description of one layout folder (full_split or pairs_kN).
/// The schema is documented in docs/META-JSON.md; <see cref="SchemaVersion"/> changes when a field changes meaning.
/// </summary>
public sealed record ComboMeta(
    int SchemaVersion, string Generator, SourceInfo Source, string Model, double BudgetMiB, string Quantization,
    CalibrationInfo Calibration, string Combo, int K, int SegmentCount, IReadOnlyList<PlannedCut> Cuts,
    IReadOnlyList<ComboModelEntry> Models, Quantization.AccuracyReport? Accuracy = null)
{
    public const int CurrentSchemaVersion = 1;

    /// <summary>Its name in every layout folder.</summary>
    public const string FileName = "meta.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json) + "\n";

    public static ComboMeta FromJson(string json) => JsonSerializer.Deserialize<ComboMeta>(json, Json) ?? throw new JsonException("meta.json is empty");
}
