using System.Runtime.InteropServices;
using ModelBuild.Core.Graph;
using static ModelBuild.Core.Execution.Int8.Int8FixedPoint;

namespace ModelBuild.Core.Execution.Int8;

/// <summary>Per-channel output multipliers of a conv-like op (TFLite's PopulateConvolutionQuantizationParams).</summary>
internal readonly struct Int8ChannelRequant
{
    public readonly int[] Multiplier;
    public readonly int[] Shift;
    public readonly int[] Bias;
    public readonly int OutputZeroPoint;
    public readonly int ActMin;
    public readonly int ActMax;

    public Int8ChannelRequant(Tensor input, Tensor weights, Tensor? bias, Tensor output, int channels, FusedActivation activation)
    {
        float inScale = Int8Quant.Scale(input);
        float outScale = Int8Quant.Scale(output);
        var wScales = Int8Quant.Params(weights).Scale;
        Multiplier = new int[channels];
        Shift = new int[channels];
        for (int c = 0; c < channels; c++)
        {
            double filterScale = wScales.Length > 1 ? wScales[c] : wScales[0];
            QuantizeMultiplier((double)inScale * filterScale / outScale, out Multiplier[c], out Shift[c]);
        }

        Bias = bias is null ? new int[channels] : bias.Int32Data;
        OutputZeroPoint = Int8Quant.ZeroPoint(output);
        (ActMin, ActMax) = ActivationRange(activation, outScale, OutputZeroPoint);
    }

    /// <summary>Requantizes with the reference rounding (depthwise kernels) or ruy's GEMM rounding (<paramref name="gemm"/>: CONV_2D).</summary>
    public sbyte Apply(int acc, int c, bool gemm)
    {
        acc += Bias[c];
        acc = (gemm ? MultiplyByQuantizedMultiplierGemm(acc, Multiplier[c], Shift[c]) : MultiplyByQuantizedMultiplier(acc, Multiplier[c], Shift[c])) + OutputZeroPoint;
        return (sbyte)Clamp(acc, ActMin, ActMax);
    }
}

/// <summary>
/// The window geometry, input offset and per-channel requantization CONV_2D and DEPTHWISE_CONV_2D share: NHWC
/// input, [*, kh, kw, *] filter, stride, dilation and TFLite's padding before the first row and column.
/// </summary>
internal abstract class Int8WindowedConvKernel : Int8Kernel
{
    private protected readonly Tensor input, output;
    private protected readonly sbyte[] weights;
    private protected readonly Int8ChannelRequant requant;
    private protected readonly int n, h, w, c, oh, ow, oc, kh, kw, sh, sw, dh, dw, padT, padL, inputOffset;

    private protected Int8WindowedConvKernel(Node node, Padding padding, int strideH, int strideW, int dilationH, int dilationW, FusedActivation activation)
    {
        input = node.Inputs[0]!;
        var filter = node.Inputs[1]!;
        output = node.Outputs[0];
        weights = filter.Int8Data;
        (n, h, w, c) = (input.Shape[0], input.Shape[1], input.Shape[2], input.Shape[3]);
        (oh, ow, oc) = (output.Shape[1], output.Shape[2], output.Shape[3]);
        (kh, kw) = (filter.Shape[1], filter.Shape[2]);
        (sh, sw, dh, dw) = (strideH, strideW, dilationH, dilationW);
        padT = Int8Quant.PaddingBefore(padding, sh, dh, h, kh, oh);
        padL = Int8Quant.PaddingBefore(padding, sw, dw, w, kw, ow);
        inputOffset = -Int8Quant.ZeroPoint(input);
        requant = new Int8ChannelRequant(input, filter, node.OptionalInput(2), output, oc, activation);
    }
}

/// <summary>
/// CONV_2D int8 (ConvPerChannel arithmetic; TFLite's x86 build runs it as im2col + ruy GEMM): on <see cref="Int8PackedGemm"/>
/// (AVX-VNNI, or its AVX2 emulation), else im2col patch by patch with 4-channel dot products.
/// </summary>
internal sealed class Int8Conv2DKernel : Int8WindowedConvKernel
{
    private readonly int[] wSum; // per output channel: sum of all its weights
    private readonly Int8PackedGemm? vnni;
    private readonly Int8GemmRequant? gemmRequant;

    public Int8Conv2DKernel(Node node) : this(node, Int8PackedGemm.Best)
    {
    }

    /// <param name="path">How the GEMM runs (tests compare the paths; the CPU must support the one asked for).</param>
    internal Int8Conv2DKernel(Node node, Int8ConvPath path) : this(node, node.OptionsAs<Conv2DOptions>(), path)
    {
    }

    private Int8Conv2DKernel(Node node, Conv2DOptions o, Int8ConvPath path) : base(node, o.Padding, o.StrideH, o.StrideW, o.DilationH, o.DilationW, o.Activation)
    {
        if (node.Inputs[1]!.Shape[3] != c) throw new NotSupportedException($"Conv '{node.Name}': grouped convolution is not supported.");
        wSum = new int[oc];
        for (int i = 0; i < oc; i++) wSum[i] = Int8Dot.Sum(weights.AsSpan(i * kh * kw * c, kh * kw * c));
        if (path == Int8ConvPath.Portable) return;
        vnni = new Int8PackedGemm(weights, oc, kh * kw * c, path);
        gemmRequant = new Int8GemmRequant(requant, wSum.Select(s => Int8PackedGemm.SumCorrection(inputOffset, s)).ToArray());
    }

    public override void Run(Int8TensorStore store)
    {
        if (vnni is not null)
        {
            RunVnni(store, vnni);
            return;
        }

        var x = store.Get(input);
        var y = store.Allocate(output);
        int k = kh * kw * c;
        var zp = (sbyte)-inputOffset;
        CoreParallel.For(0, n * oh, () => new sbyte[k], (row, _, patch) =>
        {
            int b = row / oh, oy = row % oh;
            var four = new int[4];
            for (int ox = 0; ox < ow; ox++)
            {
                Patch(x, b, oy, ox, MemoryMarshal.AsBytes(patch.AsSpan()), unchecked((byte)zp), flipSigns: false);
                int outBase = ((b * oh + oy) * ow + ox) * oc;
                int o = 0;
                for (; o <= oc - 4; o += 4)
                {
                    Int8Dot.Dot4(weights.AsSpan(o * k, 4 * k), patch, four);
                    for (int j = 0; j < 4; j++) y[outBase + o + j] = requant.Apply(four[j] + inputOffset * wSum[o + j], o + j, gemm: true);
                }

                for (; o < oc; o++)
                {
                    int acc = Int8Dot.Dot(weights.AsSpan(o * k, k), patch) + inputOffset * wSum[o];
                    y[outBase + o] = requant.Apply(acc, o, gemm: true);
                }
            }

            return patch;
        });
    }

    private void RunVnni(Int8TensorStore store, Int8PackedGemm gemm)
    {
        var x = store.Get(input);
        var y = store.Allocate(output);
        var outside = (byte)(-inputOffset ^ 0x80); // an out-of-image tap holds the input zero point
        gemm.Run(n * oh * ow, (pixel, row) => Patch(x, pixel / (oh * ow), pixel / ow % oh, pixel % ow, row, outside, flipSigns: true),
            (pixel, sums) => gemmRequant!.Apply(sums, y.AsSpan(pixel * oc, oc)));
    }

    /// <summary>
    /// im2col of output pixel (<paramref name="b"/>, <paramref name="oy"/>, <paramref name="ox"/>): each tap's c input
    /// bytes in [kh, kw, c] order, an out-of-image tap filled with <paramref name="outside"/> (the input zero point, so it
    /// contributes exactly 0); with <paramref name="flipSigns"/>, each byte xor 0x80 (<see cref="Int8PackedGemm"/>'s unsigned operand).
    /// </summary>
    private void Patch(sbyte[] x, int b, int oy, int ox, Span<byte> patch, byte outside, bool flipSigns)
    {
        for (int ky = 0; ky < kh; ky++)
        {
            int iy = oy * sh - padT + ky * dh;
            for (int kx = 0; kx < kw; kx++)
            {
                int ix = ox * sw - padL + kx * dw;
                var dst = patch.Slice((ky * kw + kx) * c, c);
                if ((uint)iy >= (uint)h || (uint)ix >= (uint)w) dst.Fill(outside);
                else if (flipSigns) Int8PackedGemm.FlipSigns(x.AsSpan(((b * h + iy) * w + ix) * c, c), dst);
                else MemoryMarshal.AsBytes(x.AsSpan(((b * h + iy) * w + ix) * c, c)).CopyTo(dst);
            }
        }
    }
}

/// <summary>DEPTHWISE_CONV_2D int8 (reference_integer_ops::DepthwiseConvPerChannel arithmetic).</summary>
internal sealed class Int8DepthwiseConv2DKernel : Int8WindowedConvKernel
{
    private readonly int m;

    public Int8DepthwiseConv2DKernel(Node node) : this(node, node.OptionsAs<DepthwiseConv2DOptions>())
    {
    }

    private Int8DepthwiseConv2DKernel(Node node, DepthwiseConv2DOptions o) : base(node, o.Padding, o.StrideH, o.StrideW, o.DilationH, o.DilationW, o.Activation) =>
        m = oc / c;

    public override void Run(Int8TensorStore store)
    {
        var x = store.Get(input);
        var y = store.Allocate(output);
        CoreParallel.For(0, n * oh, row =>
        {
            int b = row / oh, oy = row % oh;
            var acc = new int[oc];
            for (int ox = 0; ox < ow; ox++)
            {
                Array.Clear(acc);
                for (int ky = 0; ky < kh; ky++)
                {
                    int iy = oy * sh - padT + ky * dh;
                    if ((uint)iy >= (uint)h) continue;
                    for (int kx = 0; kx < kw; kx++)
                    {
                        int ix = ox * sw - padL + kx * dw;
                        if ((uint)ix >= (uint)w) continue;
                        int inBase = ((b * h + iy) * w + ix) * c;
                        int wBase = (ky * kw + kx) * oc;
                        for (int ic = 0; ic < c; ic++)
                        {
                            int xv = x[inBase + ic] + inputOffset;
                            for (int mm = 0; mm < m; mm++)
                            {
                                int o = ic * m + mm;
                                acc[o] += weights[wBase + o] * xv;
                            }
                        }
                    }
                }

                int outBase = ((b * oh + oy) * ow + ox) * oc;
                for (int o = 0; o < oc; o++) y[outBase + o] = requant.Apply(acc[o], o, gemm: false);
            }
        });
    }
}

/// <summary>FULLY_CONNECTED int8, per-tensor weights (FullyConnected arithmetic with ruy's GEMM rounding).</summary>
internal sealed class Int8FullyConnectedKernel : Int8Kernel
{
    private readonly Tensor input, output;
    private readonly sbyte[] weights;
    private readonly int[]? bias;
    private readonly int inFeatures, outFeatures, multiplier, shift, inputOffset, outputZeroPoint, actMin, actMax;
    private readonly int[] wSum;

    public Int8FullyConnectedKernel(Node node)
    {
        var o = node.Options as FullyConnectedOptions ?? new FullyConnectedOptions();
        input = node.Inputs[0]!;
        var filter = node.Inputs[1]!;
        output = node.Outputs[0];
        weights = filter.Int8Data;
        (outFeatures, inFeatures) = (filter.Shape[0], filter.Shape[1]);
        bias = node.OptionalInput(2)?.Int32Data;
        float inScale = Int8Quant.Scale(input), wScale = Int8Quant.Scale(filter), outScale = Int8Quant.Scale(output);
        double real = (double)(inScale * wScale) / outScale;
        QuantizeMultiplier(real, out multiplier, out shift);
        inputOffset = -Int8Quant.ZeroPoint(input);
        outputZeroPoint = Int8Quant.ZeroPoint(output);
        (actMin, actMax) = ActivationRange(o.Activation, outScale, outputZeroPoint);
        wSum = new int[outFeatures];
        for (int i = 0; i < outFeatures; i++) wSum[i] = Int8Dot.Sum(weights.AsSpan(i * inFeatures, inFeatures));
    }

    public override void Run(Int8TensorStore store)
    {
        var x = store.Get(input);
        var y = store.Allocate(output);
        int rows = x.Length / inFeatures;
        for (int r = 0; r < rows; r++)
        {
            var xr = x.AsSpan(r * inFeatures, inFeatures);
            for (int o = 0; o < outFeatures; o++)
            {
                int acc = Int8Dot.Dot(weights.AsSpan(o * inFeatures, inFeatures), xr) + inputOffset * wSum[o];
                if (bias is not null) acc += bias[o];
                acc = MultiplyByQuantizedMultiplierGemm(acc, multiplier, shift) + outputZeroPoint;
                y[r * outFeatures + o] = (sbyte)Clamp(acc, actMin, actMax);
            }
        }
    }
}
