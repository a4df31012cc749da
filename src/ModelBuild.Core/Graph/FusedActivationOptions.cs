namespace ModelBuild.Core.Graph;

/// <summary>
/// Which ops carry a fused activation in their options (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, ADD, SUB, MUL), and
/// how one is swapped for another: the one definition the activation-fusion pass and cross-layer equalization's clip
/// rewrite share.
/// </summary>
public static class FusedActivationOptions
{
    /// <summary>
    /// <paramref name="node"/>'s options with <paramref name="to"/> as their fused activation, when its op fuses one and
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
