namespace ModelBuild.Core.Operators;

/// <summary>Which runtime tensors of an op must share one set of int8 parameters (its int8 kernel cannot rescale).</summary>
internal enum ActivationTie
{
    None,
    FirstInput,
    AllInputs,
}

/// <summary>
/// What the quantizer does for one op kind: tie activations together, fix the output's parameters (as TFLite's
/// kernels require), or quantize the weights at input 1 (per channel along <see cref="WeightChannelDim"/>, or per
/// tensor when null) and the int32 bias at input 2 (zeros when the op has none).
/// </summary>
internal sealed record QuantizationRule
{
    public static readonly QuantizationRule OwnRange = new();
    public static readonly QuantizationRule SameAsFirstInput = new() { Tie = ActivationTie.FirstInput };
    public static readonly QuantizationRule SameAsAllInputs = new() { Tie = ActivationTie.AllInputs };

    public ActivationTie Tie { get; init; }

    public (float Scale, long ZeroPoint)? FixedOutput { get; init; }

    public bool Weighted { get; init; }

    public int? WeightChannelDim { get; init; }

    public static QuantizationRule Fixed(float scale, long zeroPoint) => new() { FixedOutput = (scale, zeroPoint) };

    public static QuantizationRule Weights(int? perChannelDim) => new() { Weighted = true, WeightChannelDim = perChannelDim };
}
