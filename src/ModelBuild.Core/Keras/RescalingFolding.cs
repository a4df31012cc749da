using ModelBuild.Core.Graph;
using ModelBuild.Core.Graph.Rewrites;

namespace ModelBuild.Core.Keras;

/// <summary>
/// Folds an in-model Rescaling or Normalization (a MUL by a constant, then an ADD of an offset) into the
/// CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED that reads it: the scale multiplies the weights of each input
/// channel; an offset becomes bias (only where no zero padding meets it: FULLY_CONNECTED and VALID CONV_2D).
/// The int8 model then has no separately quantized preprocessing op: it is the model as if trained on the
/// rescaled weights, with the raw pixels as its input. Other layers' MUL/ADD (a BatchNormalization) are left to
/// <see cref="ModelBuild.Core.Graph.Rewrites.BatchNormFolding"/>, which folds them into the op before.
/// </summary>
internal static class RescalingFolding
{
    public static void Apply(ModelGraph graph)
    {
        bool changed;
        do
        {
            changed = false;
            var consumers = graph.Consumers();
            foreach (var n in graph.Nodes)
            {
                if (n.SourceClass is not ("Rescaling" or "Normalization")) continue;
                if (n.Op is not (OpType.Mul or OpType.Add) || n.Inputs is not [{ IsConstant: false } x, { IsConstant: true } k]) continue;
                if (!GraphRewrites.HasSingleInternalConsumer(graph, n.Outputs[0], consumers)) continue;
                var c = consumers[n.Outputs[0]][0];
                if (!ReadsAsData(c, n.Outputs[0]) || !Fits(k, x)) continue;
                var folded = n.Op == OpType.Mul ? FoldScale(c, Expand(k, x)) : FoldOffset(c, Expand(k, x));
                if (!folded) continue;
                c.Inputs[0] = x;
                graph.Nodes.Remove(n);
                changed = true;
                break;
            }
        }
        while (changed);
    }

    private static bool ReadsAsData(Node c, Tensor t) =>
        c.Op is OpType.Conv2D or OpType.DepthwiseConv2D or OpType.FullyConnected
        && ReferenceEquals(c.Inputs[0], t) && c.Inputs[1] is { IsConstant: true } && !c.Inputs.Skip(1).Any(i => ReferenceEquals(i, t));

    /// <summary>A scalar, or one value per channel of a tensor whose channels are the consumer's input channels.</summary>
    private static bool Fits(Tensor k, Tensor x) => k.ElementCount == 1 || k.ElementCount == x.Shape[^1];

    private static float[] Expand(Tensor k, Tensor x) =>
        k.ElementCount == x.Shape[^1] ? k.FloatData : Enumerable.Repeat(k.FloatData[0], x.Shape[^1]).ToArray();

    private static bool FoldScale(Node c, float[] s)
    {
        var w = c.Inputs[1]!;
        int channels = s.Length;
        var data = (float[])w.FloatData.Clone();
        switch (c.Op)
        {
            case OpType.Conv2D:
                // OHWI: the input channel is the fastest-moving index.
                for (int i = 0; i < data.Length; i++) data[i] *= s[i % channels];
                break;
            case OpType.DepthwiseConv2D:
                // 1HW(C·M): output channel o reads input channel o / M.
                int m = w.Shape[^1] / channels;
                for (int i = 0; i < data.Length; i++) data[i] *= s[i % w.Shape[^1] / m];
                break;
            case OpType.FullyConnected:
                // A flattened NHWC input keeps the channel as its fastest-moving index too.
                if (w.Shape[1] % channels != 0) return false;
                for (int i = 0; i < data.Length; i++) data[i] *= s[i % channels];
                break;
        }

        c.Inputs[1] = new Tensor(w.Name, w.Shape, w.Type, data);
        return true;
    }

    private static bool FoldOffset(Node c, float[] b)
    {
        var w = c.Inputs[1]!;
        var valid = c.Op == OpType.FullyConnected
                    || (c.Op == OpType.Conv2D && c.OptionsAs<Conv2DOptions>().Padding == Padding.Valid);
        if (!valid || w.Shape[^1] % b.Length != 0) return false;
        int outputs = w.Shape[0], per = (int)(w.ElementCount / outputs);
        var old = c.OptionalInput(2);
        var bias = old is null ? new float[outputs] : (float[])old.FloatData.Clone();
        var data = w.FloatData;
        for (int o = 0; o < outputs; o++)
        {
            double sum = 0;
            for (int i = 0; i < per; i++) sum += (double)data[o * per + i] * b[i % b.Length];
            bias[o] = (float)(bias[o] + sum);
        }

        var t = new Tensor(old?.Name ?? c.Name + "/bias", [outputs], DataType.Float32, bias);
        if (c.Inputs.Count > 2) c.Inputs[2] = t;
        else c.Inputs.Add(t);
        return true;
    }
}
