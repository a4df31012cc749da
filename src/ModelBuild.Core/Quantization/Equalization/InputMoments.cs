using ModelBuild.Core.Execution;
using ModelBuild.Core.Execution.Float;
using ModelBuild.Core.Graph;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace ModelBuild.Core.Quantization.Equalization;

/// <summary>
/// First and second moments of what each weight row of a layer multiplies, over every output position of every
/// calibration sample (float model): for CONV_2D the receptive-field patch laid out like a weight row [kh, kw, c]
/// (zero where a tap reads padding), for DEPTHWISE_CONV_2D (multiplier 1) the [kh, kw] patch of each channel, for
/// FULLY_CONNECTED the flattened input. E[p] and E[p·pᵀ] give the expected squared output error of any change d of a
/// weight row: dᵀ·E[p·pᵀ]·d, which <see cref="AdaptiveRounding"/> minimizes.
/// <para>
/// Layers whose row is longer than <see cref="MaxRow"/> are not kept (a K² matrix per layer and K² work per position).
/// Accumulation is in double, each sample's products summed in a fixed order (rows of the matrix in parallel, each
/// entry by one thread), so the moments are deterministic.
/// </para>
/// </summary>
public sealed class InputMoments : ITensorObserver
{
    /// <summary>The longest weight row whose moments are kept: 1280 covers every 1×1 convolution and dense head of the shared MobileNets.</summary>
    public const int MaxRow = 1280;

    private readonly Dictionary<string, List<LayerMoments>> byInput = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LayerMoments> byNode = new(StringComparer.Ordinal);

    public InputMoments(ModelGraph graph)
    {
        foreach (var n in graph.Nodes)
        {
            if (!BiasCorrection.IsCorrectable(n) || LayerMoments.For(n) is not { } m || m.Row > MaxRow) continue;
            if (!byNode.TryAdd(n.Name, m)) continue;
            var name = n.Inputs[0]!.Name;
            if (!byInput.TryGetValue(name, out var list)) byInput[name] = list = [];
            list.Add(m);
        }
    }

    public void Observe(Tensor tensor, ReadOnlySpan<float> values, int batch)
    {
        if (!byInput.TryGetValue(tensor.Name, out var layers)) return;
        foreach (var m in layers) m.Add(values, batch);
    }

    /// <summary>The moments of node <paramref name="nodeName"/>'s input, or null when they were not kept or not observed.</summary>
    public LayerMoments? Of(string nodeName) => byNode.TryGetValue(nodeName, out var m) && m.Count > 0 ? m : null;
}

/// <summary>
/// Sums of the patches (<see cref="Mean"/>) and of their outer products (<see cref="Second"/>) of one layer; one group
/// per depthwise channel, one group for every other layer (all its output channels share one input).
/// </summary>
public sealed class LayerMoments
{
    private readonly int height, width, channels, outHeight, outWidth, kh, kw, strideH, strideW, dilationH, dilationW, top, left;
    private readonly bool depthwise;
    private readonly double[][] sum;
    private readonly double[][] cross;

    private LayerMoments(Node n, bool depthwise, int row, int groups)
    {
        this.depthwise = depthwise;
        Row = row;
        sum = Enumerable.Range(0, groups).Select(_ => new double[row]).ToArray();
        cross = Enumerable.Range(0, groups).Select(_ => new double[row * row]).ToArray();
        if (n.Op == OpType.FullyConnected) return;
        var x = n.Inputs[0]!.Shape;
        var y = n.Outputs[0].Shape;
        var w = n.Inputs[1]!.Shape;
        (height, width, channels, outHeight, outWidth, kh, kw) = (x[1], x[2], x[3], y[1], y[2], w[1], w[2]);
        (strideH, strideW, dilationH, dilationW) = n.Options switch
        {
            Conv2DOptions o => (o.StrideH, o.StrideW, o.DilationH, o.DilationW),
            DepthwiseConv2DOptions o => (o.StrideH, o.StrideW, o.DilationH, o.DilationW),
            _ => throw new InvalidOperationException($"Node '{n.Name}' ({n.Op}) has no convolution options."),
        };
        top = Conv2DKernel.PadBefore(height, outHeight, kh, strideH, dilationH);
        left = Conv2DKernel.PadBefore(width, outWidth, kw, strideW, dilationW);
    }

    /// <summary>Length of one weight row: kh·kw·c (CONV_2D), kh·kw (DEPTHWISE_CONV_2D), the input size (FULLY_CONNECTED).</summary>
    public int Row { get; }

    /// <summary>Patches summed (positions × samples).</summary>
    public long Count { get; private set; }

    /// <summary>Moment groups: the channel count for depthwise layers, else 1.</summary>
    public int Groups => sum.Length;

    internal static LayerMoments? For(Node n)
    {
        var w = n.Inputs[1]!.Shape;
        switch (n.Op)
        {
            case OpType.FullyConnected when w.Length == 2:
                return new LayerMoments(n, false, w[1], 1);
            case OpType.Conv2D when w.Length == 4 && n.Inputs[0]!.Rank == 4 && n.Inputs[0]!.Shape[3] == w[3]:
                return new LayerMoments(n, false, w[1] * w[2] * w[3], 1);
            case OpType.DepthwiseConv2D when w.Length == 4 && n.Inputs[0]!.Rank == 4 && n.Inputs[0]!.Shape[3] == w[3]:
                return new LayerMoments(n, true, w[1] * w[2], w[3]);
            default:
                return null;
        }
    }

    /// <summary>E[p] of group <paramref name="group"/>.</summary>
    public double[] Mean(int group) => sum[group].Select(v => v / Count).ToArray();

    /// <summary>E[p·pᵀ] of group <paramref name="group"/>, row-major Row × Row.</summary>
    public double[] Second(int group) => cross[group].Select(v => v / Count).ToArray();

    internal void Add(ReadOnlySpan<float> values, int batch)
    {
        if (batch <= 0 || values.Length % batch != 0) return;
        int size = values.Length / batch;
        for (int b = 0; b < batch; b++)
        {
            var sample = values.Slice(b * size, size);
            if (outHeight == 0)
            {
                if (size != Row) return;
                Accumulate(0, sample.ToArray(), 1);
                Count++;
                continue;
            }

            if (size != height * width * channels) return;
            if (depthwise)
                for (int c = 0; c < channels; c++) Accumulate(c, Patches(sample, c), outHeight * outWidth);
            else
                Accumulate(0, Patches(sample, -1), outHeight * outWidth);
            Count += outHeight * outWidth;
        }
    }

    /// <summary>
    /// The patches of one sample, transposed: element k of every position is contiguous (Row × positions), so each entry
    /// of the outer-product sum is one dot product. <paramref name="channel"/> ≥ 0: that channel's [kh, kw] patches only.
    /// </summary>
    private float[] Patches(ReadOnlySpan<float> x, int channel)
    {
        int positions = outHeight * outWidth;
        var p = new float[Row * positions];
        int inner = channel >= 0 ? 1 : channels;
        for (int oy = 0; oy < outHeight; oy++)
            for (int ox = 0; ox < outWidth; ox++)
            {
                int at = oy * outWidth + ox;
                for (int ky = 0; ky < kh; ky++)
                {
                    int iy = oy * strideH - top + ky * dilationH;
                    if (iy < 0 || iy >= height) continue;
                    for (int kx = 0; kx < kw; kx++)
                    {
                        int ix = ox * strideW - left + kx * dilationW;
                        if (ix < 0 || ix >= width) continue;
                        int from = (iy * width + ix) * channels;
                        int k0 = (ky * kw + kx) * inner;
                        if (channel >= 0) p[k0 * positions + at] = x[from + channel];
                        else
                            for (int c = 0; c < channels; c++) p[(k0 + c) * positions + at] = x[from + c];
                    }
                }
            }

        return p;
    }

    private void Accumulate(int group, float[] p, int positions)
    {
        var s = sum[group];
        var m = cross[group];
        int row = Row;
        // Rows in parallel: entry (i, j) and its mirror are written only by row i's iteration, each one Dot in the same
        // order as serially, so the sums do not depend on thread count or timing (byte-identical to the serial loop).
        Parallel.For(0, row, i => AccumulateRow(i, s, m, p, positions, row));
    }

    private static void AccumulateRow(int i, double[] s, double[] m, float[] p, int positions, int row)
    {
        var pi = p.AsSpan(i * positions, positions);
        s[i] += TensorPrimitives.Sum(pi);
        for (int j = i; j < row; j++)
        {
            double v = TensorPrimitives.Dot(pi, p.AsSpan(j * positions, positions));
            m[i * row + j] += v;
            if (j != i) m[j * row + i] += v;
        }
    }
}
