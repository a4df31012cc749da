using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Quantization.Equalization;

/// <summary>Lower and upper bound of each channel (last dimension) of a tensor.</summary>
internal sealed record Interval(float[] Lo, float[] Hi)
{
    public int Channels => Lo.Length;

    public static Interval Unbounded(int channels) =>
        new(Enumerable.Repeat(float.NegativeInfinity, channels).ToArray(), Enumerable.Repeat(float.PositiveInfinity, channels).ToArray());

    public static Interval Uniform(int channels, float lo, float hi) =>
        new(Enumerable.Repeat(lo, channels).ToArray(), Enumerable.Repeat(hi, channels).ToArray());

    /// <summary>One interval covering every channel, repeated for <paramref name="channels"/>.</summary>
    public Interval Union(int channels) => Uniform(channels, Lo.Length == 0 ? 0 : Lo.Min(), Hi.Length == 0 ? 0 : Hi.Max());

    /// <summary>Per channel when the count matches, else the union: how a broadcast or reshaped operand is read.</summary>
    public Interval As(int channels) => Channels == channels ? this : Union(channels);

    public Interval WithZero() => new(Lo.Select(v => Math.Min(v, 0f)).ToArray(), Hi.Select(v => Math.Max(v, 0f)).ToArray());

    public Interval Clamp(float lo, float hi) =>
        new(Lo.Select(v => Math.Clamp(v, lo, hi)).ToArray(), Hi.Select(v => Math.Clamp(v, lo, hi)).ToArray());
}

/// <summary>
/// Sound per-channel bounds of every runtime tensor of a float graph, for any model input (inputs are unbounded):
/// interval arithmetic through the weights, tightened by every clipping activation (ReLU6 bounds to [0, 6]).
/// Cross-layer equalization uses them to prove that a ReLU6 never clips a channel it rescales.
/// </summary>
internal static class ChannelBounds
{
    public static Dictionary<Tensor, Interval> Compute(ModelGraph graph)
    {
        var bounds = new Dictionary<Tensor, Interval>(ReferenceEqualityComparer.Instance);
        foreach (var t in graph.Inputs) bounds[t] = Interval.Unbounded(t.Shape[^1]);
        Interval Of(Tensor t, int channels)
        {
            if (t.IsConstant)
                return t.Data is float[] d && d.Length > 0
                    ? d.Length == channels ? new((float[])d.Clone(), (float[])d.Clone()) : Interval.Uniform(channels, d.Min(), d.Max())
                    : Interval.Unbounded(channels);
            return bounds.TryGetValue(t, out var b) ? b.As(channels) : Interval.Unbounded(channels);
        }

        foreach (var n in graph.Nodes)
        {
            var output = n.Outputs[0];
            int channels = output.Rank == 0 ? 1 : output.Shape[^1];
            bounds[output] = OutputBounds(n, channels, Of);
            for (int k = 1; k < n.Outputs.Count; k++) bounds[n.Outputs[k]] = Interval.Unbounded(n.Outputs[k].Shape[^1]);
        }

        return bounds;
    }

    /// <summary>Bounds of the weighted op's output before its fused activation: bias + Σ w·(hi or lo), zero padding included.</summary>
    public static Interval PreActivation(Node n, Interval input)
    {
        var w = n.Inputs[1]!.FloatData;
        var shape = n.Inputs[1]!.Shape;
        bool depthwise = n.Op == OpType.DepthwiseConv2D;
        int outChannels = depthwise ? shape[^1] : shape[0];
        int inner = shape[^1];
        int per = depthwise ? 1 : w.Length / outChannels;
        var x = input.As(depthwise ? outChannels / Multiplier(n) : inner).WithZero();
        var lo = new double[outChannels];
        var hi = new double[outChannels];
        if (n.Inputs.Count > 2 && n.Inputs[2] is { } b)
            for (int o = 0; o < outChannels; o++) lo[o] = hi[o] = b.FloatData[o];
        int multiplier = depthwise ? Multiplier(n) : 1;
        for (int i = 0; i < w.Length; i++)
        {
            float v = w[i];
            if (v == 0) continue;
            int o = depthwise ? i % outChannels : i / per;
            int c = depthwise ? o / multiplier : i % inner;
            lo[o] += v > 0 ? v * (double)x.Lo[c] : v * (double)x.Hi[c];
            hi[o] += v > 0 ? v * (double)x.Hi[c] : v * (double)x.Lo[c];
        }

        return new(lo.Select(v => (float)v).ToArray(), hi.Select(v => (float)v).ToArray());
    }

    public static Interval Activate(Interval x, FusedActivation activation) => activation switch
    {
        FusedActivation.Relu => new(x.Lo.Select(v => Math.Max(v, 0f)).ToArray(), x.Hi.Select(v => Math.Max(v, 0f)).ToArray()),
        FusedActivation.Relu6 => x.Clamp(0, 6),
        FusedActivation.ReluN1To1 => x.Clamp(-1, 1),
        _ => x,
    };

    private static int Multiplier(Node n) => n.OptionsAs<DepthwiseConv2DOptions>().DepthMultiplier;

    private static Interval OutputBounds(Node n, int channels, Func<Tensor, int, Interval> of)
    {
        var x = n.Inputs.Count > 0 && n.Inputs[0] is { } first ? first : null;
        Interval Elementwise(Func<float, float, float, float, (float, float)> f)
        {
            var a = of(n.Inputs[0]!, channels);
            var b = of(n.Inputs[1]!, channels);
            var lo = new float[channels];
            var hi = new float[channels];
            for (int c = 0; c < channels; c++) (lo[c], hi[c]) = f(a.Lo[c], a.Hi[c], b.Lo[c], b.Hi[c]);
            return Activate(new(lo, hi), FusedActivationOptions.Of(n));
        }

        switch (n.Op)
        {
            case OpType.Conv2D or OpType.DepthwiseConv2D or OpType.FullyConnected when n.Inputs[1] is { IsConstant: true }:
                var input = of(x!, n.Op == OpType.DepthwiseConv2D ? x!.Shape[^1] : n.Inputs[1]!.Shape[^1]);
                return Activate(PreActivation(n, input).As(channels), FusedActivationOptions.Of(n));
            case OpType.Add:
                return Elementwise((al, ah, bl, bh) => (al + bl, ah + bh));
            case OpType.Sub:
                return Elementwise((al, ah, bl, bh) => (al - bh, ah - bl));
            case OpType.Mul:
                return Elementwise((al, ah, bl, bh) =>
                {
                    float[] p = [Times(al, bl), Times(al, bh), Times(ah, bl), Times(ah, bh)];
                    return (p.Min(), p.Max());
                });
            case OpType.Maximum:
                return Elementwise((al, ah, bl, bh) => (Math.Max(al, bl), Math.Max(ah, bh)));
            case OpType.Minimum:
                return Elementwise((al, ah, bl, bh) => (Math.Min(al, bl), Math.Min(ah, bh)));
            case OpType.Concatenation:
                var parts = n.Inputs.Select(t => of(t!, t!.Shape[^1])).ToList();
                var axis = n.OptionsAs<ConcatenationOptions>().Axis;
                var joined = axis == -1 || axis == n.Outputs[0].Rank - 1
                    ? new Interval(parts.SelectMany(p => p.Lo).ToArray(), parts.SelectMany(p => p.Hi).ToArray())
                    : new Interval(Enumerable.Range(0, channels).Select(c => parts.Min(p => p.As(channels).Lo[c])).ToArray(),
                        Enumerable.Range(0, channels).Select(c => parts.Max(p => p.As(channels).Hi[c])).ToArray());
                return Activate(joined.As(channels), FusedActivationOptions.Of(n));
            case OpType.Pad:
                return of(x!, channels).WithZero();
            case OpType.Mean or OpType.ReduceMax when ReducesLastAxis(n):
                return Activate(of(x!, x!.Shape[^1]).Union(channels), FusedActivationOptions.Of(n));
            case OpType.MaxPool2D or OpType.AveragePool2D or OpType.Mean or OpType.ReduceMax or OpType.Reshape
                or OpType.ResizeNearestNeighbor or OpType.Slice or OpType.Quantize or OpType.Dequantize:
                // Per channel when the last dimension is the same channel axis, else their union.
                return Activate(of(x!, x!.Shape[^1]).As(channels), FusedActivationOptions.Of(n));
            case OpType.Relu:
                return Activate(of(x!, channels), FusedActivation.Relu);
            case OpType.Relu6:
                return Activate(of(x!, channels), FusedActivation.Relu6);
            case OpType.ReluN1To1:
                return Activate(of(x!, channels), FusedActivation.ReluN1To1);
            case OpType.Softmax or OpType.Logistic:
                return Interval.Uniform(channels, 0, 1);
            case OpType.Tanh:
                return Interval.Uniform(channels, -1, 1);
            default:
                return Interval.Unbounded(channels);
        }
    }

    private static bool ReducesLastAxis(Node n)
    {
        int rank = n.Inputs[0]!.Rank;
        return n.Inputs[1] is not { Data: int[] axes } || axes.Any(a => a == -1 || a == rank - 1);
    }

    /// <summary>Interval product with 0·∞ = 0 (a zero factor bounds the product whatever the other).</summary>
    private static float Times(float a, float b) => a == 0 || b == 0 ? 0 : a * b;
}
