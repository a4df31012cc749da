using ModelBuild.Core.Graph;
using static ModelBuild.Core.Execution.Int8.Int8FixedPoint;

namespace ModelBuild.Core.Execution.Int8;

/// <summary>RESHAPE int8: the bytes are unchanged (input and output share parameters).</summary>
internal sealed class Int8ReshapeKernel(Node node) : Int8Kernel
{
    private readonly Tensor input = node.Inputs[0]!, output = node.Outputs[0];

    public override void Run(Int8TensorStore store) => store.Set(output, store.Get(input));
}

/// <summary>CONCATENATION int8: TFLite's int8 kernel requires every input to share the output's parameters.</summary>
internal sealed class Int8ConcatKernel : Int8Kernel
{
    private readonly Tensor[] inputs;
    private readonly Tensor output;
    private readonly int outer;
    private readonly int[] inner;

    public Int8ConcatKernel(Node node)
    {
        inputs = node.Inputs.Select(t => t!).ToArray();
        output = node.Outputs[0];
        int rank = output.Rank;
        int axis = node.OptionsAs<ConcatenationOptions>().Axis;
        if (axis < 0) axis += rank;
        outer = output.Shape.Take(axis).Aggregate(1, (p, d) => p * d);
        int tail = output.Shape.Skip(axis + 1).Aggregate(1, (p, d) => p * d);
        inner = inputs.Select(t => t.Shape[axis] * tail).ToArray();
        float s = Int8Quant.Scale(output);
        int zp = Int8Quant.ZeroPoint(output);
        foreach (var t in inputs)
            if (Int8Quant.Scale(t) != s || Int8Quant.ZeroPoint(t) != zp)
                throw new NotSupportedException($"CONCATENATION '{node.Name}': input '{t.Name}' has different quantization from the output; TFLite's int8 kernel requires them equal.");
    }

    public override void Run(Int8TensorStore store)
    {
        var y = store.Allocate(output);
        var xs = inputs.Select(store.Get).ToArray();
        int pos = 0;
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < xs.Length; i++)
            {
                Array.Copy(xs[i], o * inner[i], y, pos, inner[i]);
                pos += inner[i];
            }
    }
}

/// <summary>PAD int8: padded cells take the output zero point (real 0).</summary>
internal sealed class Int8PadKernel : Int8Kernel
{
    private readonly Tensor input, output;
    private readonly int[] inShape, outShape, before;
    private readonly sbyte padValue;

    public Int8PadKernel(Node node)
    {
        (input, output) = (node.Inputs[0]!, node.Outputs[0]);
        var pads = node.Inputs[1]!.Int32Data;
        inShape = Int8Quant.Extend4(input.Shape);
        outShape = Int8Quant.Extend4(output.Shape);
        before = new int[4];
        int lead = 4 - input.Rank;
        for (int d = 0; d < input.Rank; d++) before[d + lead] = pads[2 * d];
        padValue = (sbyte)Int8Quant.ZeroPoint(output);
    }

    public override void Run(Int8TensorStore store)
    {
        var x = store.Get(input);
        var y = store.Allocate(output);
        Array.Fill(y, padValue);
        int i = 0;
        for (int a = 0; a < inShape[0]; a++)
            for (int b = 0; b < inShape[1]; b++)
                for (int c = 0; c < inShape[2]; c++)
                {
                    int o = (((a + before[0]) * outShape[1] + b + before[1]) * outShape[2] + c + before[2]) * outShape[3] + before[3];
                    Array.Copy(x, i, y, o, inShape[3]);
                    i += inShape[3];
                }
    }
}

/// <summary>RESIZE_NEAREST_NEIGHBOR int8 (reference_ops index rule; parameters shared with the input).</summary>
internal sealed class Int8ResizeNearestKernel : Int8Kernel
{
    private readonly Tensor input, output;
    private readonly int[] mapY, mapX;
    private readonly int n, h, w, c, oh, ow;

    public Int8ResizeNearestKernel(Node node)
    {
        (input, output) = (node.Inputs[0]!, node.Outputs[0]);
        var o = node.Options as ResizeOptions ?? new ResizeOptions();
        (n, h, w, c) = (input.Shape[0], input.Shape[1], input.Shape[2], input.Shape[3]);
        (oh, ow) = (output.Shape[1], output.Shape[2]);
        mapY = Enumerable.Range(0, oh).Select(v => Nearest(v, h, oh, o.AlignCorners, o.HalfPixelCenters)).ToArray();
        mapX = Enumerable.Range(0, ow).Select(v => Nearest(v, w, ow, o.AlignCorners, o.HalfPixelCenters)).ToArray();
    }

    private static int Nearest(int v, int inSize, int outSize, bool alignCorners, bool halfPixel)
    {
        float scale = alignCorners && outSize > 1 ? (inSize - 1) / (float)(outSize - 1) : inSize / (float)outSize;
        float offset = halfPixel ? 0.5f : 0f;
        int r = Math.Min(alignCorners ? (int)RoundF((v + offset) * scale) : (int)MathF.Floor((v + offset) * scale), inSize - 1);
        return halfPixel ? Math.Max(0, r) : r;
    }

    public override void Run(Int8TensorStore store)
    {
        var x = store.Get(input);
        var y = store.Allocate(output);
        for (int b = 0; b < n; b++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++)
                    Array.Copy(x, ((b * h + mapY[oy]) * w + mapX[ox]) * c, y, ((b * oh + oy) * ow + ox) * c, c);
    }
}

/// <summary>QUANTIZE int8 → int8 (requantize to new parameters).</summary>
internal sealed class Int8RequantizeKernel : Int8Kernel
{
    private readonly Tensor input, output;
    private readonly int inZp, outZp, mult, shift;

    public Int8RequantizeKernel(Node node)
    {
        (input, output) = (node.Inputs[0]!, node.Outputs[0]);
        if (input.Type != DataType.Int8) throw new NotSupportedException($"QUANTIZE '{node.Name}': only int8 to int8 requantization runs in the int8 executor.");
        (inZp, outZp) = (Int8Quant.ZeroPoint(input), Int8Quant.ZeroPoint(output));
        QuantizeMultiplier((double)Int8Quant.Scale(input) / Int8Quant.Scale(output), out mult, out shift);
    }

    public override void Run(Int8TensorStore store)
    {
        var x = store.Get(input);
        var y = store.Allocate(output);
        for (int i = 0; i < x.Length; i++)
            y[i] = (sbyte)Clamp(MultiplyByQuantizedMultiplier(x[i] - inZp, mult, shift) + outZp, sbyte.MinValue, sbyte.MaxValue);
    }
}
