namespace ModelBuild.Core.Graph;

/// <summary>
/// Which ops carry a fused activation in their options, which one it is, and how one is swapped for another: the one
/// definition the activation-fusion pass, the interval bounds and cross-layer equalization's clip rewrite share.
/// </summary>
public static class FusedActivationOptions
{
    /// <summary>
    /// The activation <paramref name="node"/>'s options fuse after its computation (convolutions, fully connected layers,
    /// elementwise arithmetic, concatenation, pooling); None for every other op.
    /// </summary>
    public static FusedActivation Of(Node node) => node.Options switch
    {
        Conv2DOptions o => o.Activation,
        DepthwiseConv2DOptions o => o.Activation,
        FullyConnectedOptions o => o.Activation,
        ElementwiseOptions o => o.Activation,
        ConcatenationOptions o => o.Activation,
        Pool2DOptions o => o.Activation,
        _ => FusedActivation.None,
    };

    /// <summary>
    /// <paramref name="node"/>'s options (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, ADD, SUB, MUL: the ops an activation
    /// is fused into) with <paramref name="to"/> as their fused activation, when its op fuses one and
    /// the current one is <paramref name="from"/>; otherwise null (the caller decides whether that is an error).
    /// </summary>
    public static OpOptions? Replace(Node node, FusedActivation from, FusedActivation to) => node.Options switch
    {
        Conv2DOptions o when o.Activation == from => o with { Activation = to },
        DepthwiseConv2DOptions o when o.Activation == from => o with { Activation = to },
        FullyConnectedOptions o when o.Activation == from => o with { Activation = to },
        ElementwiseOptions o when node.Op is OpType.Add or OpType.Sub or OpType.Mul && o.Activation == from => o with { Activation = to },
        _ => null,
    };
}
