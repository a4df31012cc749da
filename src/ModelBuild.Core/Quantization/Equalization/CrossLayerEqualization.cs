using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Quantization.Equalization;

/// <summary>
/// Cross-layer equalization (Nagel et al. 2019, "Data-Free Quantization Through Weight Equalization and Bias
/// Correction"): for a CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED whose output feeds only the next such op,
/// output channel i of the first is divided by sᵢ (weights and bias) and input channel i of the second multiplied by
/// sᵢ, with sᵢ = √(r1ᵢ / r2ᵢ) (r = max |w| of that channel), so both channels end with the range √(r1ᵢ·r2ᵢ) and one
/// scale per weight tensor fits them all better.
/// <para>
/// The fused activation in between must commute with the scaling. None and ReLU do. ReLU6 clips at 6, which is not
/// scale-equivariant (relu6(y/s)·s = min(max(y, 0), 6s)): a ReLU6 channel is rescaled only where its clip cannot act,
/// before or after (upper bound u ≤ 6·min(1, s), i.e. s ≥ u/6); other ReLU6 channels keep s = 1. Without
/// calibration samples u is what <see cref="ChannelBounds"/> proves for any input, and the float function stays the
/// same for every input. With them (<see cref="ObservedChannelRanges"/>) u may instead be the channel's observed
/// maximum × <see cref="Headroom"/> (at least <see cref="Floor"/> of its tensor's widest channel) where that stays
/// below 6: the function is then the same on the calibration samples and on inputs that keep within that headroom,
/// which lets most non-saturating ReLU6 channels of a MobileNet be rescaled (sound bounds allow few). Where the
/// channels that may clip hold the weight ranges far wider than equalizing them would (<see cref="ClipGain"/>), the pair's
/// ReLU6 is rewritten as ReLU + a per-channel clip (<see cref="ChannelClip"/>), which scales with its channel, and every
/// channel is rescaled (with calibration samples only: the gain is judged on their ranges). A channel whose
/// ReLU or ReLU6 provably never passes a positive value (u ≤ 0) always outputs 0: its weights and bias, and the next
/// op's weights that read it, become 0. The paper's own way — replace ReLU6 by ReLU first — changes the model for
/// every saturating channel, so it is not done here.
/// </para>
/// </summary>
public static class CrossLayerEqualization
{
    private const int MaxPasses = 16;

    /// <summary>
    /// How far beyond its observed maximum a channel is taken to go. Measured on held-out photos (docs/ACCURACY.md): at
    /// ×1 channels clip differently on the next photo and the equalized float model drifts from the original; ×3 did best.
    /// </summary>
    private const float Headroom = 3;

    /// <summary>The least a channel is taken to reach, as a fraction of its tensor's widest: a channel near 0 on a few photos can be large on the next.</summary>
    private const float Floor = 0.25f;

    /// <summary>
    /// How much smaller the product of a pair's two weight ranges must get before its ReLU6 is rewritten with per-channel
    /// clip levels: only where the gain is unmistakable. Measured on every calibration split (docs/ACCURACY.md): ×16 takes
    /// MobileNetV1's stem (37.2 against 0.6) and a few of its pairs, and no MobileNetV2 pair; ×4 also takes MobileNetV2's
    /// expansion → depthwise pairs (06 +1.5 dB, 01 −0.6, one MINIMUM more per block); ×2 costs 01 and 06.
    /// </summary>
    private const float ClipGain = 16;

    /// <summary>A copy of <paramref name="graph"/> with equalized weights (nodes and rescaled constants are new; runtime tensors are shared).</summary>
    public static ModelGraph Apply(ModelGraph graph) => Apply(graph, null);

    /// <summary>
    /// With <paramref name="observed"/> (the channel ranges of <paramref name="graph"/> over the calibration samples,
    /// updated here as channels are rescaled), a ReLU6 channel counts as never clipping where it stayed below 6 on
    /// every calibration sample, instead of only where its bounds prove it for any input.
    /// </summary>
    public static ModelGraph Apply(ModelGraph graph, ObservedChannelRanges? observed)
    {
        var copy = ShallowCopy(graph);
        for (int pass = 0; pass < MaxPasses; pass++)
            if (!EqualizeOnce(copy, observed)) break;
        return copy;
    }

    private static ModelGraph ShallowCopy(ModelGraph graph) =>
        new(graph.Name, graph.Inputs, graph.Outputs, graph.Nodes.Select(n => new Node(n.Name, n.Op, n.Inputs, n.Outputs, n.Options)
        {
            SourceLayer = n.SourceLayer,
            SourceClass = n.SourceClass,
        }));

    /// <summary>One pass over every pair in graph order; false when no scale moved by more than 0.1 %.</summary>
    private static bool EqualizeOnce(ModelGraph graph, ObservedChannelRanges? observed)
    {
        var consumers = graph.Consumers();
        var bounds = ChannelBounds.Compute(graph);
        bool moved = false;
        foreach (var first in graph.Nodes.ToList())
        {
            if (!IsEqualizable(first) || first.Outputs.Count != 1) continue;
            var t = first.Outputs[0];
            var activation = FusedActivationOptions.Of(first);
            if (activation is not (FusedActivation.None or FusedActivation.Relu or FusedActivation.Relu6)) continue;
            if (graph.Outputs.Contains(t) || !consumers.TryGetValue(t, out var readers) || readers.Count != 1) continue;
            int channels = OutputChannels(first);
            if (t.Shape[^1] != channels) continue;
            var clip = activation == FusedActivation.Relu ? ChannelClip.Of(readers[0], t, channels, graph, consumers) : null;
            var between = clip?.Outputs[0] ?? t;
            var second = clip is null ? readers[0] : consumers[between][0];
            if (!IsEqualizable(second) || !ReferenceEquals(second.Inputs[0], between) || second.Inputs.Skip(1).Any(i => ReferenceEquals(i, between))) continue;
            if (InputChannels(second) != channels) continue;

            var input = first.Inputs[0] is { } x && bounds.TryGetValue(x, out var b) ? b : Interval.Unbounded(channels);
            var pre = ChannelBounds.PreActivation(first, input);
            var seen = observed?.Of(t);
            var upper = seen is null ? pre.Hi : Likely(seen).Select((v, c) => v < ClipOf(activation) ? Math.Min(pre.Hi[c], v) : pre.Hi[c]).ToArray();
            var r1 = MaxAbs(first.Inputs[1]!, OutputChannelOf(first), channels);
            var r2 = MaxAbs(second.Inputs[1]!, i => i % channels, channels);
            bool MayClip(int c) => r1[c] > 0 && r2[c] > 0 && pre.Hi[c] > 0 && !(upper[c] <= 6);
            if (activation == FusedActivation.Relu6 && seen is not null && ChannelClip.Pays(r1, r2, MayClip, ClipGain))
            {
                clip = ChannelClip.Insert(graph, first, second, channels);
                activation = FusedActivation.Relu;
            }

            // What each channel can reach after the activation and its clip (sound bounds: observed ones cost 5 dB on
            // 13), and the widest finite one: a channel is not scaled beyond that, so equalizing never widens the
            // activation range.
            var levels = clip?.Inputs[1]!.FloatData;
            var reach = Enumerable.Range(0, channels).Select(c => activation == FusedActivation.None ? Math.Max(-pre.Lo[c], pre.Hi[c])
                : Math.Max(levels is null ? pre.Hi[c] : Math.Min(pre.Hi[c], levels[c]), 0)).ToArray();
            float widest = reach.Where(float.IsFinite).DefaultIfEmpty(0).Max();
            var s = new float[channels];
            var dead = new bool[channels];
            for (int c = 0; c < channels; c++)
            {
                s[c] = 1;
                if (activation != FusedActivation.None && pre.Hi[c] <= 0)
                {
                    dead[c] = r1[c] > 0 || r2[c] > 0;
                    moved |= dead[c];
                    continue;
                }

                if (r1[c] <= 0 || r2[c] <= 0) continue;
                float scale = MathF.Sqrt(r1[c] / r2[c]);
                if (activation == FusedActivation.Relu6)
                {
                    if (MayClip(c)) continue;
                    scale = Math.Max(scale, upper[c] / 6);
                }

                scale = float.IsFinite(reach[c]) ? widest > 0 ? Math.Max(scale, reach[c] / widest) : scale : Math.Max(scale, 1);
                if (!float.IsFinite(scale) || scale <= 0) continue;
                s[c] = scale;
                moved |= Math.Abs(scale - 1) > 1e-3f;
            }

            Rescale(first, second, s, dead);
            if (clip is not null) ChannelClip.Rescale(clip, s);
            observed?.Rescaled(t, s);
        }

        return moved;
    }

    /// <summary>What each channel is taken to reach on inputs like the calibration samples.</summary>
    private static float[] Likely(Interval seen)
    {
        float widest = seen.Hi.Max();
        return seen.Hi.Select(v => Math.Max(v * Headroom, Floor * widest)).ToArray();
    }

    private static float ClipOf(FusedActivation activation) => activation == FusedActivation.Relu6 ? 6 : float.PositiveInfinity;

    internal static bool IsEqualizable(Node n) => n.Op switch
    {
        OpType.Conv2D or OpType.FullyConnected => n.Inputs.Count > 1 && n.Inputs[1] is { IsConstant: true, Data: float[] },
        OpType.DepthwiseConv2D => n.Inputs[1] is { IsConstant: true, Data: float[] } && n.OptionsAs<DepthwiseConv2DOptions>().DepthMultiplier == 1,
        _ => false,
    };

    private static int OutputChannels(Node n) => n.Op == OpType.DepthwiseConv2D ? n.Inputs[1]!.Shape[^1] : n.Inputs[1]!.Shape[0];

    private static int InputChannels(Node n) => n.Inputs[1]!.Shape[^1];

    /// <summary>The output channel of each flat weight index: OHWI and [out, in] by the first index, 1HWC by the last.</summary>
    private static Func<int, int> OutputChannelOf(Node n)
    {
        int channels = OutputChannels(n);
        if (n.Op == OpType.DepthwiseConv2D) return i => i % channels;
        int per = n.Inputs[1]!.FloatData.Length / channels;
        return i => i / per;
    }

    private static float[] MaxAbs(Tensor w, Func<int, int> channelOf, int channels)
    {
        var r = new float[channels];
        var data = w.FloatData;
        for (int i = 0; i < data.Length; i++) r[channelOf(i)] = Math.Max(r[channelOf(i)], Math.Abs(data[i]));
        return r;
    }

    private static void Rescale(Node first, Node second, float[] s, bool[] dead)
    {
        int channels = s.Length;
        var outputOf = OutputChannelOf(first);
        var w1 = first.Inputs[1]!;
        var d1 = (float[])w1.FloatData.Clone();
        for (int i = 0; i < d1.Length; i++)
        {
            int c = outputOf(i);
            d1[i] = dead[c] ? 0 : d1[i] / s[c];
        }

        first.Inputs[1] = new Tensor(w1.Name, w1.Shape, w1.Type, d1);
        if (first.Inputs.Count > 2 && first.Inputs[2] is { } b1)
        {
            var bias = (float[])b1.FloatData.Clone();
            for (int c = 0; c < channels; c++) bias[c] = dead[c] ? 0 : bias[c] / s[c];
            first.Inputs[2] = new Tensor(b1.Name, b1.Shape, b1.Type, bias);
        }

        var w2 = second.Inputs[1]!;
        var d2 = (float[])w2.FloatData.Clone();
        for (int i = 0; i < d2.Length; i++)
        {
            int c = i % channels;
            d2[i] = dead[c] ? 0 : d2[i] * s[c];
        }

        second.Inputs[1] = new Tensor(w2.Name, w2.Shape, w2.Type, d2);
    }
}
