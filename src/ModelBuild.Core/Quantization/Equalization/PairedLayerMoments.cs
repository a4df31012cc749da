using ModelBuild.Core.Execution.Float;
using ModelBuild.Core.Graph;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace ModelBuild.Core.Quantization.Equalization;

/// <summary>
/// Moments of two streams of one layer's weight-row patches, taken at the same positions of the same samples: p̃, what
/// the row multiplies in the int8 model (its input dequantized), and δ = p̃ − p, how far that is from the float
/// model's patch p. Per group (one per depthwise channel, else one): Σ p̃, Σ δ, Σ p̃·p̃ᵀ and Σ p̃·δᵀ. For a row w
/// rounded to w + d, the int8 layer's output error is (w + d)·p̃ − w·p = d·p̃ + w·δ, whose expected square is
/// dᵀ·E[p̃·p̃ᵀ]·d + 2·dᵀ·E[p̃·δᵀ]·w + const: what <see cref="AdaptiveRounding"/> minimizes when it has these moments.
/// <para>
/// Patches are laid out like <see cref="LayerMoments"/>' ([kh, kw, c] rows, [kh, kw] per depthwise channel, the
/// flattened input for FULLY_CONNECTED; zero where a tap reads padding). Each entry is one dot product over a sample's
/// positions, each by one thread, in a fixed order, so the sums do not depend on threads.
/// </para>
/// </summary>
public sealed class PairedLayerMoments
{
    private readonly int height, width, channels, outHeight, outWidth, kh, kw, strideH, strideW, dilationH, dilationW, top, left;
    private readonly bool depthwise;
    private readonly double[][] sumQ, sumD, qq, qd;

    private PairedLayerMoments(Node n, bool depthwise, int row, int groups)
    {
        this.depthwise = depthwise;
        Row = row;
        double[][] Make(int size) => Enumerable.Range(0, groups).Select(_ => new double[size]).ToArray();
        (sumQ, sumD, qq, qd) = (Make(row), Make(row), Make(row * row), Make(row * row));
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

    /// <summary>Length of one weight row.</summary>
    public int Row { get; }

    /// <summary>Patches summed (positions × samples).</summary>
    public long Count { get; private set; }

    /// <summary>Moment groups: the channel count for depthwise layers, else 1.</summary>
    public int Groups => sumQ.Length;

    /// <summary>Moments for a layer <see cref="BiasCorrection.IsCorrectable"/> accepts, or null for other shapes.</summary>
    internal static PairedLayerMoments? For(Node n)
    {
        var w = n.Inputs[1]!.Shape;
        return n.Op switch
        {
            OpType.FullyConnected when w.Length == 2 => new PairedLayerMoments(n, false, w[1], 1),
            OpType.Conv2D when w.Length == 4 && n.Inputs[0]!.Rank == 4 && n.Inputs[0]!.Shape[3] == w[3] =>
                new PairedLayerMoments(n, false, w[1] * w[2] * w[3], 1),
            OpType.DepthwiseConv2D when w.Length == 4 && n.Inputs[0]!.Rank == 4 && n.Inputs[0]!.Shape[3] == w[3] =>
                new PairedLayerMoments(n, true, w[1] * w[2], w[3]),
            _ => null,
        };
    }

    /// <summary>E[p̃] of <paramref name="group"/>.</summary>
    public double[] MeanQuantized(int group) => sumQ[group].Select(v => v / Count).ToArray();

    /// <summary>E[δ] of <paramref name="group"/>: the mean error of the int8 model's input, per patch element.</summary>
    public double[] MeanError(int group) => sumD[group].Select(v => v / Count).ToArray();

    /// <summary>E[p̃·p̃ᵀ] of <paramref name="group"/>, row-major Row × Row.</summary>
    public double[] SecondQuantized(int group) => qq[group].Select(v => v / Count).ToArray();

    /// <summary>E[p̃·δᵀ] of <paramref name="group"/>, row-major Row × Row (entry (i, j) = E[p̃ᵢ·δⱼ]).</summary>
    public double[] Cross(int group) => qd[group].Select(v => v / Count).ToArray();

    /// <summary>Adds one sample: the layer's input in the int8 model (dequantized) and in the float model.</summary>
    internal void Add(ReadOnlySpan<float> quantized, ReadOnlySpan<float> reference)
    {
        if (quantized.Length != reference.Length) return;
        var error = new float[quantized.Length];
        TensorPrimitives.Subtract(quantized, reference, error);
        if (outHeight == 0)
        {
            if (quantized.Length != Row) return;
            Accumulate(0, quantized.ToArray(), error, 1, parallel: true);
            Count++;
            return;
        }

        if (quantized.Length != height * width * channels) return;
        int positions = outHeight * outWidth;
        if (depthwise)
        {
            // Channels in parallel (a row of kh·kw is too short to split); each group is summed by one thread.
            var (q, e) = (quantized.ToArray(), error);
            Parallel.For(0, channels, c => Accumulate(c, Patches(q, c), Patches(e, c), positions, parallel: false));
        }
        else
        {
            Accumulate(0, Patches(quantized, -1), Patches(error, -1), positions, parallel: true);
        }
        Count += positions;
    }

    /// <summary>The patches of one sample, transposed (Row × positions); <paramref name="channel"/> ≥ 0: that channel's only.</summary>
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

    private void Accumulate(int group, float[] q, float[] d, int positions, bool parallel)
    {
        var (sq, sd, mqq, mqd) = (sumQ[group], sumD[group], qq[group], qd[group]);
        int row = Row;
        if (parallel) Parallel.For(0, row, AccumulateRow);
        else
            for (int i = 0; i < row; i++) AccumulateRow(i);

        void AccumulateRow(int i)
        {
            var qi = q.AsSpan(i * positions, positions);
            sq[i] += TensorPrimitives.Sum(qi);
            sd[i] += TensorPrimitives.Sum(d.AsSpan(i * positions, positions));
            for (int j = 0; j < row; j++)
            {
                if (j >= i)
                {
                    double v = TensorPrimitives.Dot(qi, q.AsSpan(j * positions, positions));
                    mqq[i * row + j] += v;
                    if (j != i) mqq[j * row + i] += v;
                }

                mqd[i * row + j] += TensorPrimitives.Dot(qi, d.AsSpan(j * positions, positions));
            }
        }
    }
}
