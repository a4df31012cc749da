using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Tests.Quantization.Equalization;

/// <summary>Patch moments written out from the definition, in double, one position at a time.</summary>
internal static class PatchMomentsReference
{
    public static float[] Random(int n, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 4 - 1)).ToArray();
    }

    public static ModelGraph ConvGraph(OpType op, int[] input, int[] weights, int strideH, int strideW, int dilation, Padding padding)
    {
        int OutSize(int size, int k, int stride) => padding == Padding.Same
            ? (size + stride - 1) / stride
            : (size - ((k - 1) * dilation + 1)) / stride + 1;
        int[] output = [1, OutSize(input[1], weights[1], strideH), OutSize(input[2], weights[2], strideW), op == OpType.Conv2D ? weights[0] : input[3]];
        var x = new Tensor("x", input);
        var r = new Tensor("r", input);
        var w = new Tensor("w", weights, DataType.Float32, new float[weights.Aggregate(1, (a, b) => a * b)]);
        OpOptions options = op == OpType.Conv2D
            ? new Conv2DOptions(padding, strideH, strideW, DilationH: dilation, DilationW: dilation)
            : new DepthwiseConv2DOptions(padding, strideH, strideW, 1, DilationH: dilation, DilationW: dilation);
        return new ModelGraph("g", [x], [new Tensor("y", output)],
        [
            new Node("relu", OpType.Relu, [x], [r]),
            new Node("op", op, [r, w], [new Tensor("y", output)], options),
        ]);
    }

    /// <summary>E[p], E[p·pᵀ] and the position count; <paramref name="channel"/> ≥ 0: that channel's [kh, kw] patch only.</summary>
    public static (double[] Mean, double[] Second, long Count) ConvMoments(float[] x, int batch, int height, int width, int channels,
        int kh, int kw, int strideH, int strideW, int dilation, Padding padding, int channel)
    {
        int Out(int size, int k, int stride) => padding == Padding.Same ? (size + stride - 1) / stride : (size - ((k - 1) * dilation + 1)) / stride + 1;
        int Before(int size, int outSize, int k, int stride) =>
            padding == Padding.Same ? Math.Max((outSize - 1) * stride + (k - 1) * dilation + 1 - size, 0) / 2 : 0;
        int outH = Out(height, kh, strideH), outW = Out(width, kw, strideW);
        int top = Before(height, outH, kh, strideH), left = Before(width, outW, kw, strideW);
        int inner = channel >= 0 ? 1 : channels, row = kh * kw * inner;
        var mean = new double[row];
        var second = new double[row * row];
        var p = new double[row];
        long count = 0;
        for (int b = 0; b < batch; b++)
            for (int oy = 0; oy < outH; oy++)
                for (int ox = 0; ox < outW; ox++, count++)
                {
                    Array.Clear(p);
                    for (int ky = 0; ky < kh; ky++)
                        for (int kx = 0; kx < kw; kx++)
                        {
                            int iy = oy * strideH - top + ky * dilation, ix = ox * strideW - left + kx * dilation;
                            if (iy < 0 || iy >= height || ix < 0 || ix >= width) continue;
                            for (int c = 0; c < inner; c++)
                                p[(ky * kw + kx) * inner + c] = x[((b * height + iy) * width + ix) * channels + (channel >= 0 ? channel : c)];
                        }

                    for (int i = 0; i < row; i++)
                    {
                        mean[i] += p[i];
                        for (int j = 0; j < row; j++) second[i * row + j] += p[i] * p[j];
                    }
                }

        return (mean.Select(v => v / count).ToArray(), second.Select(v => v / count).ToArray(), count);
    }

    /// <summary>Float sums of ≤ 256 products in any order: relative 1e-5 of the largest entry is far above their rounding.</summary>
    public static void AssertClose(double[] expected, double[] actual, string what)
    {
        Assert.HasCount(expected.Length, actual);
        double tolerance = 1e-5 * expected.Max(Math.Abs);
        for (int i = 0; i < expected.Length; i++)
            Assert.AreEqual(expected[i], actual[i], tolerance, $"{what} entry {i}");
    }
}
