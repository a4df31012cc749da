using System.Text.Json.Serialization;
using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Slicing;

/// <summary>A model input or output as meta.json records it.</summary>
public sealed record TensorInfo(string Name, int[] Shape, string Dtype, float[] Scale, long[] ZeroPoint)
{
    public static TensorInfo Of(Tensor t) => new(t.Name, t.Shape, t.Type.ToString().ToLowerInvariant(),
        t.Quant?.Scale ?? [], t.Quant?.ZeroPoint ?? []);
}

/// <summary>One produced .tflite file: what it computes and what it is.</summary>
public sealed record ModelFileInfo(
    string File, int FirstSegment, int LastSegment, long Bytes, string Sha256, IReadOnlyList<TensorInfo> Inputs, IReadOnlyList<TensorInfo> Outputs)
{
    [JsonPropertyName("mib")]
    public double MiB => Math.Round(Bytes / (1024.0 * 1024.0), 4);

    public string Role => File.StartsWith("tail_", StringComparison.Ordinal) ? "tail" : "segment";
}
