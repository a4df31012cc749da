namespace ModelBuild.Core.Graph;

/// <summary>
/// Affine quantization of a tensor: real = scale * (q - zeroPoint).
/// One entry per tensor (per-tensor) or one per slice along <see cref="QuantizedDimension"/> (per-channel).
/// </summary>
public sealed record QuantParams(float[] Scale, long[] ZeroPoint, int QuantizedDimension = 0)
{
    public bool IsPerChannel => Scale.Length > 1;

    public static QuantParams PerTensor(float scale, long zeroPoint) => new([scale], [zeroPoint]);
}
