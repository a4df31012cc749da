using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Quantization.Equalization;

/// <summary>
/// A ReLU6 rewritten so that cross-layer equalization can rescale every channel: the op's fused ReLU6 becomes ReLU and
/// a MINIMUM with one clip level per channel (6 at first) follows it. relu6(y)/s = min(relu(y/s), 6/s), so dividing a
/// channel by s and its level by s keeps the float function the same for every input. The int8 MINIMUM compares
/// without rescaling, and the quantizer gives the op's output the range of the clipped one
/// (<see cref="ActivationParamSolver"/>), so the clip costs no resolution.
/// </summary>
internal static class ChannelClip
{
    /// <summary>The clip after <paramref name="t"/> (the output of an op with a fused ReLU), when it is t's only reader and its output has one reader.</summary>
    public static Node? Of(Node reader, Tensor t, int channels, ModelGraph graph, Dictionary<Tensor, List<Node>> consumers) =>
        reader.Op == OpType.Minimum && ReferenceEquals(reader.Inputs[0], t)
        && reader.Inputs[1] is { IsConstant: true, Data: float[] levels } && levels.Length == channels
        && !graph.Outputs.Contains(reader.Outputs[0]) && consumers.TryGetValue(reader.Outputs[0], out var next) && next.Count == 1
            ? reader : null;

    /// <summary>Rewrites <paramref name="first"/>'s ReLU6 as ReLU + MINIMUM(·, 6 per channel) in front of <paramref name="second"/>.</summary>
    public static Node Insert(ModelGraph graph, Node first, Node second, int channels)
    {
        var t = first.Outputs[0];
        var clipped = new Tensor(t.Name + "/clip", (int[])t.Shape.Clone());
        var levels = new Tensor(first.Name + "/clip_levels", [channels], DataType.Float32, Enumerable.Repeat(6f, channels).ToArray());
        var clip = new Node(first.Name + "/clip", OpType.Minimum, [t, levels], [clipped])
        {
            SourceLayer = first.SourceLayer,
            SourceClass = first.SourceClass,
        };
        first.Options = FusedActivationOptions.Replace(first, FusedActivation.Relu6, FusedActivation.Relu)
            ?? throw new InvalidOperationException($"Node '{first.Name}' has no fused ReLU6 to rewrite ({first.Options}).");
        second.Inputs[0] = clipped;
        graph.Nodes.Insert(graph.Nodes.IndexOf(first) + 1, clip);
        return clip;
    }

    /// <summary>Channel c of the clipped tensor was divided by s[c]: so is its level.</summary>
    public static void Rescale(Node clip, float[] s)
    {
        var l = clip.Inputs[1]!;
        clip.Inputs[1] = new Tensor(l.Name, l.Shape, l.Type, l.FloatData.Select((v, c) => v / s[c]).ToArray());
    }

    /// <summary>
    /// Whether rewriting pays: the product of both layers' weight ranges (max |w|) with every channel equalized, against
    /// the same with the clipping channels (<paramref name="clips"/>) left as they are, is smaller by at least
    /// <paramref name="gain"/>. A rewritten channel shrinks, so its activation loses resolution in the per-tensor range;
    /// only a large gain in the weights pays for that.
    /// </summary>
    public static bool Pays(float[] r1, float[] r2, Func<int, bool> clips, float gain)
    {
        float all1 = 0, all2 = 0, kept1 = 0, kept2 = 0;
        for (int c = 0; c < r1.Length; c++)
        {
            bool fixedScale = r1[c] <= 0 || r2[c] <= 0;
            float equalized = fixedScale ? 0 : MathF.Sqrt(r1[c] * r2[c]);
            all1 = Math.Max(all1, fixedScale ? r1[c] : equalized);
            all2 = Math.Max(all2, fixedScale ? r2[c] : equalized);
            bool keep = fixedScale || clips(c);
            kept1 = Math.Max(kept1, keep ? r1[c] : equalized);
            kept2 = Math.Max(kept2, keep ? r2[c] : equalized);
        }

        return kept1 * kept2 >= gain * all1 * all2;
    }
}
