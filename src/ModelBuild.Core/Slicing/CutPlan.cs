using System.Text.Json;
using System.Text.Json.Serialization;

namespace ModelBuild.Core.Slicing;

/// <summary>A cut tensor of the plan, by name and shape.</summary>
public sealed record PlannedCut(string Tensor, int[] Shape);

/// <summary>
/// One segment: the nodes after <see cref="FromTensor"/> up to and including the producer of <see cref="ToTensor"/>.
/// Null ends mean the model input / output.
/// </summary>
public sealed record PlannedSegment(int Index, string? FromTensor, string? ToTensor, string FirstNode, string LastNode, int NodeCount, long ParamBytes)
{
    public double ParamMiB => ParamBytes / (1024.0 * 1024.0);
}

/// <summary>The result of cutting a model: the cut tensors, the K segments and what was noticed on the way.</summary>
public sealed record CutPlan(
    string Model, double BudgetMiB, bool PerChannel, string Method, IReadOnlyList<PlannedCut> Cuts, IReadOnlyList<PlannedSegment> Segments, IReadOnlyList<string> Warnings)
{
    public const int SchemaVersion = 1;

    public int Version { get; init; } = SchemaVersion;

    [JsonIgnore]
    public int K => Segments.Count;

    [JsonIgnore]
    public long BudgetBytes => (long)Math.Floor(BudgetMiB * 1024 * 1024);

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static CutPlan FromJson(string json) =>
        JsonSerializer.Deserialize<CutPlan>(json, Json) ?? throw new JsonException("plan.json is empty");
}
