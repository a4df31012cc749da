using ModelBuild.Core.Execution.Int8;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Quantization;
using static ModelBuild.Core.Tests.Execution.Int8TestHelpers;

namespace ModelBuild.Core.Tests.Execution.Int8;

/// <summary>
/// The AVX-VNNI CONV_2D path against the portable one (itself bit-identical to TFLite, Int8ConvKernelsTests): the same
/// bytes on shapes that leave ragged tiles of pixels, channels and taps, and its raw sums against plain dot products.
/// </summary>
[TestClass]
public sealed class Int8VnniConvTests
{
    private static void RequireVnni()
    {
        if (!Int8VnniConv.IsSupported) Assert.Inconclusive("this CPU has no AVX-VNNI; the portable path runs (Int8ConvKernelsTests)");
    }

    [TestMethod]
    [DataRow(13, 11, 5, 37, 3, 1, 1, Padding.Same, true)] // taps 45 (not a multiple of 4), 37 channels (a ragged block of 16)
    [DataRow(9, 9, 20, 16, 1, 2, 1, Padding.Same, true)] // 1x1 stride 2, 25 pixels (a ragged tile of 6)
    [DataRow(14, 14, 64, 64, 1, 1, 1, Padding.Valid, true)] // ResNet's 1x1 bottleneck shape
    [DataRow(15, 15, 3, 8, 7, 2, 1, Padding.Same, true)] // the stem: 7x7 stride 2 over 3 channels
    [DataRow(12, 12, 4, 6, 3, 1, 2, Padding.Same, true)] // dilated: out-of-image taps hold the zero point
    [DataRow(7, 7, 32, 40, 3, 1, 1, Padding.Same, false)] // per-tensor weights
    public void Vnni_conv_gives_the_portable_conv_bytes(int h, int w, int c, int oc, int k, int stride, int dilation, Padding padding, bool perChannel)
    {
        RequireVnni();
        var r = new Random(h * 31 + oc);
        var node = QuantizedConv(r, [1, h, w, c], oc, k, stride, dilation, padding, perChannel);
        var input = RandomInt8((int)node.Inputs[0]!.ElementCount, r);
        CollectionAssert.AreEqual(Run(new Int8Conv2DKernel(node, vnni: false), node, input), Run(new Int8Conv2DKernel(node, vnni: true), node, input));
    }

    [TestMethod]
    public void Vnni_sums_plus_the_correction_are_the_dot_products_with_the_input_offset()
    {
        RequireVnni();
        var r = new Random(5);
        const int channels = 21, taps = 30, pixels = 8, inputOffset = -17;
        var weights = RandomInt8(channels * taps, r);
        var x = RandomInt8(pixels * taps, r);
        var gemm = new Int8VnniConv(weights, channels, taps);
        var sums = new int[pixels, channels];
        gemm.Run(pixels, (p, row) => Int8VnniConv.FlipSigns(x.AsSpan(p * taps, taps), row), (p, s) =>
        {
            for (int o = 0; o < channels; o++) sums[p, o] = s[o];
        });
        for (int p = 0; p < pixels; p++)
        {
            for (int o = 0; o < channels; o++)
            {
                int dot = 0, weightSum = 0;
                for (int t = 0; t < taps; t++) (dot, weightSum) = (dot + (x[p * taps + t] + inputOffset) * weights[o * taps + t], weightSum + weights[o * taps + t]);
                Assert.AreEqual(dot, sums[p, o] + Int8VnniConv.SumCorrection(inputOffset, weightSum), $"pixel {p}, channel {o}");
            }
        }
    }

    private static Node QuantizedConv(Random r, int[] xs, int oc, int k, int stride, int dilation, Padding padding, bool perChannel)
    {
        var x = new Tensor("input", xs);
        var w = new Tensor("conv/weights", [oc, k, k, xs[3]], DataType.Float32, RandomFloats(r, oc * k * k * xs[3], 0.5f));
        var b = new Tensor("conv/bias", [oc], DataType.Float32, RandomFloats(r, oc, 0.3f));
        int span = (k - 1) * dilation + 1;
        int oh = padding == Padding.Same ? (xs[1] + stride - 1) / stride : (xs[1] - span + stride) / stride;
        int ow = padding == Padding.Same ? (xs[2] + stride - 1) / stride : (xs[2] - span + stride) / stride;
        var y = new Tensor("conv", [1, oh, ow, oc]);
        var n = new Node("conv", OpType.Conv2D, [x, w, b], [y], new Conv2DOptions(padding, stride, stride, dilation, dilation, FusedActivation.Relu));
        var g = new ModelGraph("conv", [x], [y], [n]);
        return Quantizer.Quantize(g, CalibrateRandom(g, 3, 11), new QuantizationOptions { PerChannel = perChannel }).Nodes.Single();
    }

    private static float[] RandomFloats(Random r, int n, float scale) => Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 2 - 1) * scale).ToArray();

    private static sbyte[] Run(Int8Conv2DKernel kernel, Node node, sbyte[] input)
    {
        var store = new Int8TensorStore();
        store.Set(node.Inputs[0]!, input);
        kernel.Run(store);
        return store.Get(node.Outputs[0]);
    }
}
