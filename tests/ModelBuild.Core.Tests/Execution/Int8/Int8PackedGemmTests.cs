using ModelBuild.Core.Execution.Int8;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Quantization;
using static ModelBuild.Core.Tests.Execution.Int8TestHelpers;

namespace ModelBuild.Core.Tests.Execution.Int8;

/// <summary>
/// The packed CONV_2D paths (AVX-VNNI and its AVX2 emulation) against the portable one (itself bit-identical to TFLite, Int8ConvKernelsTests): the same
/// bytes on shapes that leave ragged tiles of pixels, channels and taps, and its raw sums against plain dot products.
/// </summary>
[TestClass]
public sealed class Int8PackedGemmTests
{
    /// <summary>The path named (test rows name it: the enum is internal); inconclusive when this CPU cannot run it.</summary>
    private static Int8ConvPath Require(string name)
    {
        var path = Enum.Parse<Int8ConvPath>(name);
        if (path > Int8PackedGemm.Best) Assert.Inconclusive($"this CPU cannot run the {path} path; {Int8PackedGemm.Best} runs (Int8ConvKernelsTests)");
        return path;
    }

    public static IEnumerable<object[]> Shapes =>
    [
        [13, 11, 5, 37, 3, 1, 1, Padding.Same, true], // taps 45 (not a multiple of 4), 37 channels (a ragged block of 16)
        [9, 9, 20, 16, 1, 2, 1, Padding.Same, true], // 1x1 stride 2, 25 pixels (a ragged tile of 6)
        [14, 14, 64, 64, 1, 1, 1, Padding.Valid, true], // ResNet's 1x1 bottleneck shape
        [15, 15, 3, 8, 7, 2, 1, Padding.Same, true], // the stem: 7x7 stride 2 over 3 channels
        [12, 12, 4, 6, 3, 1, 2, Padding.Same, true], // dilated: out-of-image taps hold the zero point
        [7, 7, 32, 40, 3, 1, 1, Padding.Same, false], // per-tensor weights
    ];

    public static IEnumerable<object[]> ShapesOnEachPath =>
        Shapes.SelectMany(s => new[] { nameof(Int8ConvPath.Avx2), nameof(Int8ConvPath.Vnni) }.Select(p => s.Prepend(p).ToArray()));

    [TestMethod]
    [DynamicData(nameof(ShapesOnEachPath))]
    public void Packed_conv_gives_the_portable_conv_bytes(string pathName, int h, int w, int c, int oc, int k, int stride, int dilation, Padding padding, bool perChannel)
    {
        var path = Require(pathName);
        var r = new Random(h * 31 + oc);
        var node = QuantizedConv(r, [1, h, w, c], oc, k, stride, dilation, padding, perChannel);
        var input = RandomInt8((int)node.Inputs[0]!.ElementCount, r);
        CollectionAssert.AreEqual(Run(new Int8Conv2DKernel(node, Int8ConvPath.Portable), node, input), Run(new Int8Conv2DKernel(node, path), node, input));
    }

    [TestMethod]
    [DataRow(nameof(Int8ConvPath.Avx2))]
    [DataRow(nameof(Int8ConvPath.Vnni))]
    public void Packed_sums_plus_the_correction_are_the_dot_products_with_the_input_offset(string pathName)
    {
        var path = Require(pathName);
        var r = new Random(5);
        const int channels = 21, taps = 30, pixels = 8, inputOffset = -17;
        var weights = RandomInt8(channels * taps, r);
        var x = RandomInt8(pixels * taps, r);
        var gemm = new Int8PackedGemm(weights, channels, taps, path);
        var sums = new int[pixels, channels];
        gemm.Run(pixels, (p, row) => Int8PackedGemm.FlipSigns(x.AsSpan(p * taps, taps), row), (p, s) =>
        {
            for (int o = 0; o < channels; o++) sums[p, o] = s[o];
        });
        for (int p = 0; p < pixels; p++)
        {
            for (int o = 0; o < channels; o++)
            {
                int dot = 0, weightSum = 0;
                for (int t = 0; t < taps; t++) (dot, weightSum) = (dot + (x[p * taps + t] + inputOffset) * weights[o * taps + t], weightSum + weights[o * taps + t]);
                Assert.AreEqual(dot, sums[p, o] + Int8PackedGemm.SumCorrection(inputOffset, weightSum), $"pixel {p}, channel {o}");
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
