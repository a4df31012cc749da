using System.Runtime.CompilerServices;

namespace ModelBuild.Core.Graph.Rewrites;

/// <summary>
/// Folds a per-channel MUL by a constant and ADD of a constant (how a BatchNormalization is read) into the
/// CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED before it, when that op's output feeds nothing else.
/// The folded op then produces the tensor that carried the BatchNormalization's name.
/// </summary>
public static class BatchNormFolding
{
    /// <param name="ownsConstants">True when nothing outside <paramref name="graph"/> holds its constants' arrays: a weight
    /// array that no other node reads is then scaled in place (for a model just read, no second copy of every kernel).</param>
    public static void Apply(ModelGraph graph, bool ownsConstants = false)
    {
        var readers = ownsConstants ? ArrayReaders(graph) : null;
        bool changed;
        do
        {
            changed = false;
            var producers = graph.Producers();
            var consumers = graph.Consumers();
            foreach (var n in graph.Nodes)
            {
                if (n.Op is not (OpType.Mul or OpType.Add)) continue;
                if (n.Inputs[0] is not { IsConstant: false } x || n.Inputs[1] is not { IsConstant: true } k) continue;
                if (!producers.TryGetValue(x, out var p) || !IsFoldTarget(p)) continue;
                var channels = x.Shape[^1];
                if (k.ElementCount != channels && k.ElementCount != 1) continue;
                if (!GraphRewrites.HasSingleInternalConsumer(graph, x, consumers)) continue;

                var values = Expand(k.FloatData, channels);
                if (n.Op == OpType.Mul) Scale(p, values, inPlace: readers is not null && readers.GetValueOrDefault(p.Inputs[1]!.Data!) == 1);
                else Shift(p, values);
                p.Outputs[0] = n.Outputs[0];
                graph.Nodes.Remove(n);
                changed = true;
                break;
            }
        }
        while (changed);
    }

    private static bool IsFoldTarget(Node p) =>
        p.Op is OpType.Conv2D or OpType.DepthwiseConv2D or OpType.FullyConnected && FusedActivationOptions.Of(p) == FusedActivation.None && p.Inputs[1] is { IsConstant: true };

    private static float[] Expand(float[] k, int channels) => k.Length == channels ? k : Enumerable.Repeat(k[0], channels).ToArray();

    /// <summary>How many node inputs read each constant array (a shared layer's weights are read by several nodes).</summary>
    private static Dictionary<Array, int> ArrayReaders(ModelGraph graph)
    {
        var readers = new Dictionary<Array, int>(ReferenceEqualityComparer.Instance);
        foreach (var n in graph.Nodes)
            foreach (var t in n.Inputs)
                if (t?.Data is { } data) readers[data] = readers.GetValueOrDefault(data) + 1;
        return readers;
    }

    /// <summary>Multiplies output channel o of the weights (and bias) by s[o]; the products are the same whether done in place or on a copy.</summary>
    /// <remarks>Runs once per folded layer over its whole kernel: compiled optimized from the first call, not as tier-0 code.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Scale(Node p, float[] s, bool inPlace)
    {
        var w = p.Inputs[1]!;
        var data = inPlace ? w.FloatData : (float[])w.FloatData.Clone();
        int channels = s.Length;
        if (p.Op == OpType.DepthwiseConv2D)
        {
            for (int i = 0; i < data.Length; i++) data[i] *= s[i % channels];
        }
        else
        {
            var per = data.Length / channels;
            for (int o = 0; o < channels; o++)
            {
                var row = data.AsSpan(o * per, per);
                float so = s[o];
                for (int i = 0; i < row.Length; i++) row[i] *= so;
            }
        }

        p.Inputs[1] = new Tensor(w.Name, w.Shape, w.Type, data);
        if (p.OptionalInput(2) is { } b)
        {
            var bias = (float[])b.FloatData.Clone();
            for (int o = 0; o < channels; o++) bias[o] *= s[o];
            p.Inputs[2] = new Tensor(b.Name, b.Shape, b.Type, bias);
        }
    }

    private static void Shift(Node p, float[] add)
    {
        int channels = add.Length;
        var b = p.OptionalInput(2);
        var bias = b is null ? new float[channels] : (float[])b.FloatData.Clone();
        for (int o = 0; o < channels; o++) bias[o] += add[o];
        var t = new Tensor(b?.Name ?? p.Name + "/bias", [channels], DataType.Float32, bias);
        if (p.Inputs.Count > 2) p.Inputs[2] = t;
        else p.Inputs.Add(t);
    }
}
