using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Quantization.Equalization;

/// <summary>
/// The settings of activation-aware adaptive rounding (per-tensor weights only) and the one fact it needs of a layer:
/// the linear range of the ReLU/ReLU6 that follows it. Where a layer's float pre-activation is outside that range
/// the activation clips it, so a rounding error there reaches the next layer much reduced (not at all, for ReLU's
/// lower side): the rounding's objective weighs such positions less. Measured on the held-out per-tensor method
/// (`CrossLayerEqualizationTests`, docs/ACCURACY.md, "Per-tensor weights: activation-aware 1×1 convolutions").
/// </summary>
public static class ActivationAware
{
    /// <summary>
    /// The weight of a clipped position in a depthwise layer's patch moments (<see cref="DepthwiseMoments"/>: its
    /// products and sums count κ, an in-range one 1). docs/ACCURACY.md: 0.15 / 0.25 / 0.35 measured, 0.25 kept.
    /// </summary>
    public const float DepthwiseKappa = 0.25f;

    /// <summary>
    /// The weight, squared, of a clipped position in each output row's H of a 1×1 convolution
    /// (<see cref="PointwiseRows"/>: κ² against 1 in range). docs/ACCURACY.md: 0-0.35 measured, 0.25 kept.
    /// </summary>
    public const double PointwiseKappa = 0.25;

    /// <summary>
    /// A 1×1 convolution gets per-row H only when at least this share of its (output channel, stored patch) pairs clips:
    /// in layers that clip less (MobileNets' expansions, 17-40 %) each row's H would rest on fewer positions for little
    /// gain (docs/ACCURACY.md: every layer / 0.5 / 0.7 / 0.8 measured; 0.7 kept, the largest smallest margin).
    /// </summary>
    public const double ClipShareThreshold = 0.7;

    /// <summary>
    /// Patches a 1×1 convolution keeps for its per-row H (<see cref="StoredPatches"/>): every position of the last 1×1
    /// layers of the shared MobileNets (7 × 7 × 32 calibration samples = 1568), a regular subset of larger layers.
    /// </summary>
    public const int StoredPatchCap = 4096;

    /// <summary>
    /// (0, 6) or (0, +∞) when node <paramref name="n"/>'s output goes through ReLU6 or ReLU (fused, or its only
    /// consumer); null for any other activation or none.
    /// </summary>
    public static (float Low, float High)? LinearRange(ModelGraph graph, Node n)
    {
        var fused = n.Options switch
        {
            Conv2DOptions o => o.Activation,
            DepthwiseConv2DOptions o => o.Activation,
            _ => FusedActivation.None,
        };
        if (fused == FusedActivation.None)
        {
            var output = n.Outputs[0].Name;
            var consumers = graph.Nodes.Where(c => c.Inputs.Any(i => i?.Name == output)).Take(2).ToList();
            if (consumers.Count == 1 && consumers[0].Op == OpType.Relu6) fused = FusedActivation.Relu6;
            else if (consumers.Count == 1 && consumers[0].Op == OpType.Relu) fused = FusedActivation.Relu;
        }

        return fused switch
        {
            FusedActivation.Relu6 => (0f, 6f),
            FusedActivation.Relu => (0f, float.PositiveInfinity),
            _ => null,
        };
    }
}
