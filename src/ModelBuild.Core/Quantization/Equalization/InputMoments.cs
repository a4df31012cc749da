using System.Buffers;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Execution.Float;
using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Quantization.Equalization;

/// <summary>
/// First and second moments of what each weight row of a layer multiplies, over every output position of every
/// calibration sample (float model): for CONV_2D the receptive-field patch laid out like a weight row [kh, kw, c]
/// (zero where a tap reads padding), for DEPTHWISE_CONV_2D (multiplier 1) the [kh, kw] patch of each channel, for
/// FULLY_CONNECTED the flattened input. E[p] and E[p·pᵀ] give the expected squared output error of any change d of a
/// weight row: dᵀ·E[p·pᵀ]·d, which <see cref="AdaptiveRounding"/> minimizes.
/// <para>
/// Layers whose row is longer than <see cref="MaxRow"/> are not kept (a K² matrix per layer and K² work per position).
/// A convolution with more than <see cref="MaxPositions"/> output positions per sample is sampled on a regular grid of
/// them (every s-th row and column, s the least step that fits): large images add positions, not information about
/// the K × K moment, and cost K² each.
/// Products are summed in float over at most <see cref="GramAccumulator.Chunk"/> positions, then in double, each entry
/// by one thread in a fixed order (<see cref="GramAccumulator"/>, <see cref="DepthwiseMoments"/>), so the moments do not
/// depend on the thread count.
/// </para>
/// </summary>
public sealed class InputMoments : ITensorObserver
{
    /// <summary>The longest weight row whose moments are kept: 1280 covers every 1×1 convolution and dense head of the shared MobileNets.</summary>
    public const int MaxRow = 1280;

    /// <summary>The most output positions per sample a layer's moments take: 128 × 128, every position of a 224 × 224 MobileNet.</summary>
    public const int MaxPositions = 128 * 128;

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
    private readonly int[] sampled = [];
    private readonly GramAccumulator gram;

    private LayerMoments(Node n, bool depthwise, int row, int groups)
    {
        this.depthwise = depthwise;
        Row = row;
        gram = new GramAccumulator(row);
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
        sampled = SampledPositions(outHeight, outWidth);
    }

    /// <summary>
    /// Every output position (y·width + x) when there are at most <see cref="InputMoments.MaxPositions"/>, else those of
    /// every s-th row and column from the s/2-th, s the least step that keeps the grid within the limit.
    /// </summary>
    internal static int[] SampledPositions(int outHeight, int outWidth)
    {
        int step = 1;
        while (Cells(outHeight, step) * Cells(outWidth, step) > InputMoments.MaxPositions) step++;
        var positions = new List<int>(Cells(outHeight, step) * Cells(outWidth, step));
        for (int y = step / 2; y < outHeight; y += step)
            for (int x = step / 2; x < outWidth; x += step)
                positions.Add(y * outWidth + x);
        return positions.ToArray();

        static int Cells(int size, int step) => (size - step / 2 + step - 1) / step;
    }

    /// <summary>Length of one weight row: kh·kw·c (CONV_2D), kh·kw (DEPTHWISE_CONV_2D), the input size (FULLY_CONNECTED).</summary>
    public int Row { get; }

    /// <summary>Patches summed (sampled positions × samples).</summary>
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

    /// <summary>E[p·pᵀ] of group <paramref name="group"/>, row-major Row × Row (accumulated as its upper triangle, mirrored here).</summary>
    public double[] Second(int group)
    {
        var upper = cross[group];
        var e = new double[Row * Row];
        for (int i = 0; i < Row; i++)
            for (int j = i; j < Row; j++)
                e[i * Row + j] = e[j * Row + i] = upper[i * Row + j] / Count;
        return e;
    }

    internal void Add(ReadOnlySpan<float> values, int batch)
    {
        if (batch <= 0 || values.Length % batch != 0) return;
        int size = values.Length / batch;
        if (outHeight == 0)
        {
            if (size != Row) return;
            gram.Add(values, batch, sum[0], cross[0]);
            Count += batch;
            return;
        }

        if (size != height * width * channels) return;
        for (int b = 0; b < batch; b++)
        {
            var sample = values.Slice(b * size, size);
            if (depthwise) DepthwiseMoments.Add(sample, this);
            else AddPatches(sample);
            Count += sampled.Length;
        }
    }

    /// <summary>The receptive-field patches of one sample at the sampled positions, <see cref="GramAccumulator.Chunk"/> at a time.</summary>
    private void AddPatches(ReadOnlySpan<float> x)
    {
        var chunk = ArrayPool<float>.Shared.Rent(GramAccumulator.Chunk * Row);
        try
        {
            for (int start = 0; start < sampled.Length; start += GramAccumulator.Chunk)
            {
                int n = Math.Min(GramAccumulator.Chunk, sampled.Length - start);
                Array.Clear(chunk, 0, n * Row);
                for (int k = 0; k < n; k++) Patch(x, sampled[start + k], chunk.AsSpan(k * Row, Row));
                gram.AddChunk(chunk, n, sum[0], cross[0]);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(chunk);
        }
    }

    /// <summary>The patch [kh, kw, c] of output position <paramref name="at"/> into the zeroed <paramref name="patch"/> (padding taps stay 0).</summary>
    private void Patch(ReadOnlySpan<float> x, int at, Span<float> patch)
    {
        for (int ky = 0; ky < kh; ky++)
            for (int kx = 0; kx < kw; kx++)
                if (TapOffset(at, ky, kx) is var from and >= 0)
                    x.Slice(from, channels).CopyTo(patch.Slice((ky * kw + kx) * channels, channels));
    }

    /// <summary>Input offset of tap (<paramref name="ky"/>, <paramref name="kx"/>) at output position <paramref name="at"/>, or −1 where it reads padding.</summary>
    internal int TapOffset(int at, int ky, int kx)
    {
        int oy = at / outWidth, ox = at % outWidth;
        int iy = oy * strideH - top + ky * dilationH, ix = ox * strideW - left + kx * dilationW;
        return iy < 0 || iy >= height || ix < 0 || ix >= width ? -1 : (iy * width + ix) * channels;
    }

    internal (int Channels, int KernelHeight, int KernelWidth) DepthwiseShape => (channels, kh, kw);

    /// <summary>The output positions (y·width + x) whose patches the moments take (<see cref="SampledPositions"/>).</summary>
    internal ReadOnlySpan<int> Positions => sampled;

    internal double[] Sum(int group) => sum[group];

    internal double[] Upper(int group) => cross[group];
}
