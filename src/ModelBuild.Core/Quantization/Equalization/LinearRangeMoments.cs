using ModelBuild.Core.Execution;
using ModelBuild.Core.Execution.Float;
using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Quantization.Equalization;

/// <summary>
/// For a convolution reading the model input and followed by ReLU or ReLU6 (fused, or its only consumer): the second
/// moment of the input patches per output row, over the positions where that row's float pre-activation lies inside
/// the activation's linear range. Where the float output is clipped (below 0, above 6), a small rounding error leaves
/// the output unchanged, so those positions should not steer the rounding; in MobileNet v1's first convolution an
/// edge-detector channel clips at 6 on 44 % of the positions (docs/ACCURACY.md). Normalised by all positions, so
/// dᵀ·H·d is the expected squared output error after the activation (to first order).
/// <para>
/// Kept only for layers whose rows × row² is at most <see cref="MaxWork"/> (a first convolution: 8-32 rows of 27).
/// </para>
/// </summary>
public sealed class LinearRangeMoments : ITensorObserver
{
    public const int MaxWork = 1 << 20;

    private readonly Dictionary<string, List<Layer>> byInput = new(StringComparer.Ordinal);

    public LinearRangeMoments(ModelGraph graph)
    {
        var consumers = graph.Consumers();
        foreach (var n in graph.Nodes)
        {
            if (n.Op != OpType.Conv2D || !BiasCorrection.IsCorrectable(n) || !graph.Inputs.Contains(n.Inputs[0]!)) continue;
            var w = n.Inputs[1]!.Shape;
            if (w.Length != 4 || n.Inputs[0]!.Rank != 4 || n.Inputs[0]!.Shape[3] != w[3]) continue;
            int rows = w[0], row = w[1] * w[2] * w[3];
            if ((long)rows * row * row > MaxWork || Bounds(n, consumers) is not { } bounds) continue;
            var name = n.Inputs[0]!.Name;
            if (!byInput.TryGetValue(name, out var list)) byInput[name] = list = [];
            list.Add(new Layer(n, rows, row, bounds.Lo, bounds.Hi));
        }
    }

    /// <summary>H of each output row of <paramref name="nodeName"/> (row-major Row × Row), or null when not kept or not observed.</summary>
    public double[][]? Of(string nodeName)
    {
        var layer = byInput.Values.SelectMany(l => l).FirstOrDefault(l => l.Node.Name == nodeName);
        return layer is null || layer.Count == 0 ? null : layer.Sums.Select(s => s.Select(v => v / layer.Count).ToArray()).ToArray();
    }

    public void Observe(Tensor tensor, ReadOnlySpan<float> values, int batch)
    {
        if (!byInput.TryGetValue(tensor.Name, out var layers) || batch <= 0 || values.Length % batch != 0) return;
        int size = values.Length / batch;
        foreach (var layer in layers)
            for (int b = 0; b < batch; b++) layer.Add(values.Slice(b * size, size));
    }

    /// <summary>The linear range of the activation after <paramref name="n"/>: fused, or its only consumer's.</summary>
    private static (float Lo, float Hi)? Bounds(Node n, Dictionary<Tensor, List<Node>> consumers)
    {
        var fused = n.OptionsAs<Conv2DOptions>().Activation;
        if (fused != FusedActivation.None) return Range(fused);
        if (!consumers.TryGetValue(n.Outputs[0], out var next) || next.Count != 1) return null;
        return next[0].Op switch
        {
            OpType.Relu => (0f, float.PositiveInfinity),
            OpType.Relu6 => (0f, 6f),
            _ => null,
        };
    }

    private static (float Lo, float Hi)? Range(FusedActivation a) => a switch
    {
        FusedActivation.Relu => (0f, float.PositiveInfinity),
        FusedActivation.Relu6 => (0f, 6f),
        FusedActivation.ReluN1To1 => (-1f, 1f),
        _ => null,
    };

    private sealed class Layer(Node node, int rows, int row, float lo, float hi)
    {
        private readonly float[] weights = node.Inputs[1]!.FloatData;
        private readonly float[]? bias = node.OptionalInput(2)?.FloatData;

        public Node Node => node;

        public double[][] Sums { get; } = Enumerable.Range(0, rows).Select(_ => new double[row * row]).ToArray();

        public long Count { get; private set; }

        public void Add(ReadOnlySpan<float> x)
        {
            var shape = node.Inputs[0]!.Shape;
            var o = node.OptionsAs<Conv2DOptions>();
            var w = node.Inputs[1]!.Shape;
            var y = node.Outputs[0].Shape;
            int height = shape[1], width = shape[2], channels = shape[3], outHeight = y[1], outWidth = y[2], kh = w[1], kw = w[2];
            if (x.Length != height * width * channels) return;
            int top = Conv2DKernel.PadBefore(height, outHeight, kh, o.StrideH, o.DilationH);
            int left = Conv2DKernel.PadBefore(width, outWidth, kw, o.StrideW, o.DilationW);
            int positions = outHeight * outWidth;
            var patches = new float[positions * row];
            for (int oy = 0; oy < outHeight; oy++)
                for (int ox = 0; ox < outWidth; ox++)
                {
                    int at = (oy * outWidth + ox) * row;
                    for (int ky = 0; ky < kh; ky++)
                    {
                        int iy = oy * o.StrideH - top + ky * o.DilationH;
                        if (iy < 0 || iy >= height) continue;
                        for (int kx = 0; kx < kw; kx++)
                        {
                            int ix = ox * o.StrideW - left + kx * o.DilationW;
                            if (ix < 0 || ix >= width) continue;
                            x.Slice((iy * width + ix) * channels, channels).CopyTo(patches.AsSpan(at + (ky * kw + kx) * channels, channels));
                        }
                    }
                }

            // Rows in parallel, each summed by one thread over the positions in order: deterministic.
            Parallel.For(0, rows, r =>
            {
                var wr = weights.AsSpan(r * row, row);
                var sum = Sums[r];
                for (int p = 0; p < positions; p++)
                {
                    var patch = patches.AsSpan(p * row, row);
                    float pre = System.Numerics.Tensors.TensorPrimitives.Dot(wr, patch) + (bias?[r] ?? 0);
                    if (!(pre > lo && pre < hi)) continue;
                    for (int i = 0; i < row; i++)
                    {
                        double pi = patch[i];
                        if (pi == 0) continue;
                        for (int j = 0; j < row; j++) sum[i * row + j] += pi * patch[j];
                    }
                }
            });
            Count += positions;
        }
    }
}
