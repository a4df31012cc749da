namespace ModelBuild.Core.Quantization;

/// <summary>Observed real range of one tensor over the calibration samples.</summary>
public readonly record struct TensorRange(float Min, float Max)
{
    public override string ToString() => $"[{Min:G6}, {Max:G6}]";
}

/// <summary>Calibrated ranges per tensor name (runtime tensors of the float graph), plus how many samples produced them.</summary>
public sealed class CalibrationResult
{
    private readonly Dictionary<string, TensorRange> ranges = new(StringComparer.Ordinal);

    public int SampleCount { get; set; }

    public IReadOnlyDictionary<string, TensorRange> Ranges => ranges;

    public void Set(string tensorName, float min, float max) => ranges[tensorName] = new TensorRange(min, max);

    public bool TryGetRange(string tensorName, out TensorRange range) => ranges.TryGetValue(tensorName, out range);
}
