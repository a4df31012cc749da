using ModelBuild.Core.Graph;
using ModelBuild.Core.Operators;

namespace ModelBuild.Core.Slicing;

/// <summary>
/// Quantized parameter bytes of a float graph's nodes, as the int8 model will store them: int8 weights, int32
/// biases, and with per-channel quantization one float scale and one int64 zero point per output channel.
/// </summary>
public static class SizeModel
{
    /// <summary>Bytes of one node's constant inputs once quantized.</summary>
    public static long NodeBytes(Node node, bool perChannel = true)
    {
        long bytes = 0;
        for (int i = 0; i < node.Inputs.Count; i++)
        {
            var t = node.Inputs[i];
            if (t is not { IsConstant: true }) continue;
            bytes += t.Type switch
            {
                DataType.Int32 or DataType.Int64 => t.ElementCount * t.Type.ByteSize(),
                _ when IsBias(node, i) => t.ElementCount * 4,
                _ => t.ElementCount + (perChannel && IsPerChannelWeight(node, i) ? Channels(node, t) * 12L : 0),
            };
        }

        return bytes;
    }

    /// <summary>Bytes of every node, in the graph's order.</summary>
    public static long[] NodeBytes(ModelGraph graph, bool perChannel = true) =>
        graph.Nodes.Select(n => NodeBytes(n, perChannel)).ToArray();

    public static long TotalBytes(ModelGraph graph, bool perChannel = true) => NodeBytes(graph, perChannel).Sum();

    // The operator's quantization rule says which inputs are weights: input 1 (per channel along WeightChannelDim
    // when it has one) and the int32 bias at input 2.
    private static QuantizationRule? RuleOf(Node node) => OperatorRegistry.For(node).Quantization;

    private static bool IsBias(Node node, int index) => index == 2 && RuleOf(node) is { Weighted: true };

    private static bool IsPerChannelWeight(Node node, int index) =>
        index == 1 && RuleOf(node) is { Weighted: true, WeightChannelDim: not null };

    private static long Channels(Node node, Tensor weights) => weights.Shape[RuleOf(node)!.WeightChannelDim!.Value];
}
