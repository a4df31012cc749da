using ModelBuild.Core.Graph;
using static ModelBuild.Core.Execution.Int8.Int8FixedPoint;

namespace ModelBuild.Core.Execution.Int8;

/// <summary>RELU, RELU6, RELU_N1_TO_1 int8 (activations.cc QuantizedReluX: rescale, then clamp).</summary>
internal sealed class Int8ReluKernel : Int8Kernel
{
    private readonly Tensor input, output;
    private readonly int inZp, outZp, mult, shift, actMin, actMax;

    public Int8ReluKernel(Node node, float lower, float upper)
    {
        (input, output) = (node.Inputs[0]!, node.Outputs[0]);
        float inScale = Int8Quant.Scale(input), outScale = Int8Quant.Scale(output);
        (inZp, outZp) = (Int8Quant.ZeroPoint(input), Int8Quant.ZeroPoint(output));
        double real = inScale / outScale;
        QuantizeMultiplier(real, out mult, out shift);
        actMin = Math.Max(sbyte.MinValue, outZp + (int)RoundF(lower / outScale));
        actMax = float.IsPositiveInfinity(upper) ? sbyte.MaxValue : Math.Min(sbyte.MaxValue, outZp + (int)RoundF(upper / outScale));
    }

    public override void Run(Int8TensorStore store)
    {
        var x = store.Get(input);
        var y = store.Allocate(output);
        for (int i = 0; i < x.Length; i++)
            y[i] = (sbyte)Clamp(outZp + MultiplyByQuantizedMultiplier(x[i] - inZp, mult, shift), actMin, actMax);
    }
}

/// <summary>LEAKY_RELU int8: separate multipliers for the identity and the alpha branch.</summary>
internal sealed class Int8LeakyReluKernel : Int8Kernel
{
    private readonly Tensor input, output;
    private readonly int inZp, outZp, multId, shiftId, multAlpha, shiftAlpha;

    public Int8LeakyReluKernel(Node node)
    {
        (input, output) = (node.Inputs[0]!, node.Outputs[0]);
        float alpha = node.OptionsAs<LeakyReluOptions>().Alpha;
        float inScale = Int8Quant.Scale(input), outScale = Int8Quant.Scale(output);
        (inZp, outZp) = (Int8Quant.ZeroPoint(input), Int8Quant.ZeroPoint(output));
        double alphaMultiplier = inScale * alpha / outScale;
        QuantizeMultiplier(alphaMultiplier, out multAlpha, out shiftAlpha);
        double identityMultiplier = inScale / outScale;
        QuantizeMultiplier(identityMultiplier, out multId, out shiftId);
    }

    public override void Run(Int8TensorStore store)
    {
        var x = store.Get(input);
        var y = store.Allocate(output);
        for (int i = 0; i < x.Length; i++)
        {
            int v = x[i] - inZp;
            int r = outZp + (v >= 0 ? MultiplyByQuantizedMultiplier(v, multId, shiftId) : MultiplyByQuantizedMultiplier(v, multAlpha, shiftAlpha));
            y[i] = (sbyte)Clamp(r, sbyte.MinValue, sbyte.MaxValue);
        }
    }
}

/// <summary>Element-wise op through a 256-entry table built in float, as TFLite does for int8 LOGISTIC and TANH.</summary>
internal sealed class Int8LookupTableKernel : Int8Kernel
{
    private readonly Tensor input, output;
    private readonly sbyte[] table = new sbyte[256];

    public Int8LookupTableKernel(Node node, Func<float, float> transform)
    {
        (input, output) = (node.Inputs[0]!, node.Outputs[0]);
        float inScale = Int8Quant.Scale(input), outScale = Int8Quant.Scale(output);
        int inZp = Int8Quant.ZeroPoint(input), outZp = Int8Quant.ZeroPoint(output);
        float inverseScale = 1 / outScale;
        for (int v = sbyte.MinValue; v <= sbyte.MaxValue; v++)
        {
            float dequantized = inScale * (v - inZp);
            float rescaled = RoundF(transform(dequantized) * inverseScale);
            int q = (int)(rescaled + outZp);
            table[(byte)(sbyte)v] = (sbyte)Clamp(q, sbyte.MinValue, sbyte.MaxValue);
        }
    }

    public static float Sigmoid(float x) => 1.0f / (1.0f + MathF.Exp(-x));

    public override void Run(Int8TensorStore store)
    {
        var x = store.Get(input);
        var y = store.Allocate(output);
        for (int i = 0; i < x.Length; i++) y[i] = table[(byte)x[i]];
    }
}

/// <summary>SOFTMAX int8 → int8 as TFLite's x86 build runs it: a float exp table over the 256 input differences.</summary>
internal sealed class Int8SoftmaxKernel : Int8Kernel
{
    private readonly Tensor input, output;
    private readonly float[] table = new float[256];
    private readonly float outScale;
    private readonly int outZp, depth;

    public Int8SoftmaxKernel(Node node)
    {
        (input, output) = (node.Inputs[0]!, node.Outputs[0]);
        float beta = (node.Options as SoftmaxOptions)?.Beta ?? 1f;
        float scale = -Int8Quant.Scale(input) * beta;
        for (int v = 0; v <= 255; v++) table[255 - v] = MathF.Exp(scale * v);
        outScale = Int8Quant.Scale(output);
        outZp = Int8Quant.ZeroPoint(output);
        depth = input.Shape[^1];
    }

    public override void Run(Int8TensorStore store)
    {
        var x = store.Get(input);
        var y = store.Allocate(output);
        for (int start = 0; start < x.Length; start += depth)
        {
            int max = sbyte.MinValue;
            for (int j = 0; j < depth; j++) max = Math.Max(max, x[start + j]);
            int offset = 255 - max;
            float sum = 0f;
            for (int j = 0; j < depth; j++) sum += table[offset + x[start + j]];
            float inv = 1.0f / (sum * outScale);
            for (int j = 0; j < depth; j++)
            {
                float p = table[offset + x[start + j]] * inv;
                y[start + j] = (sbyte)Clamp((int)RoundF(p) + outZp, sbyte.MinValue, sbyte.MaxValue);
            }
        }
    }
}

/// <summary>HARD_SWISH int8 (reference_ops::HardSwish 16-bit fixed-point pipeline).</summary>
internal sealed class Int8HardSwishKernel : Int8Kernel
{
    private readonly Tensor input, output;
    private readonly int inZp, outZp, outExp, reluishExp;
    private readonly short outMult16, reluishMult16;

    public Int8HardSwishKernel(Node node)
    {
        (input, output) = (node.Inputs[0]!, node.Outputs[0]);
        float inScale = Int8Quant.Scale(input), outScale = Int8Quant.Scale(output);
        (inZp, outZp) = (Int8Quant.ZeroPoint(input), Int8Quant.ZeroPoint(output));
        float hiresInputScale = (1.0f / 128.0f) * inScale;
        const float reluishScale = 3.0f / 32768.0f;
        float outputMultiplier = hiresInputScale / outScale;
        QuantizeMultiplier(outputMultiplier, out int m32, out outExp);
        outMult16 = DownScale(m32);
        float reluishMultiplier = hiresInputScale / reluishScale;
        QuantizeMultiplier(reluishMultiplier, out int r32, out reluishExp);
        reluishMult16 = DownScale(r32);
        if (outExp > 0) throw new NotSupportedException($"HARD_SWISH '{node.Name}': output scale too small for TFLite's kernel.");
    }

    private static short DownScale(int m)
    {
        const int rounding = 1 << 15;
        if (m >= int.MaxValue - rounding) return short.MaxValue;
        return (short)((m + rounding) >> 16);
    }

    private static short SaturatingLeftShift(short x, int shift) =>
        (short)Math.Clamp(x * (1 << shift), short.MinValue, short.MaxValue);

    private static short SaturatingDoublingHighMul(short a, short b)
    {
        if (a == b && a == short.MinValue) return short.MaxValue;
        return (short)(a * b / (1 << 15));
    }

    public override void Run(Int8TensorStore store)
    {
        var x = store.Get(input);
        var y = store.Allocate(output);
        for (int i = 0; i < x.Length; i++)
        {
            short v = (short)(x[i] - inZp);
            short hires = (short)(v * (1 << 7));
            short preshift = SaturatingRoundingDoublingHighMul(hires, outMult16);
            short reluish = hires;
            if (reluishExp > 0) reluish = SaturatingLeftShift(reluish, reluishExp - 1);
            reluish = SaturatingRoundingDoublingHighMul(reluish, reluishMult16);
            if (reluishExp > 0) reluish = SaturatingLeftShift(reluish, 1);
            if (reluishExp < 0) reluish = RoundingDivideByPOT(reluish, -reluishExp);
            reluish = (short)((reluish + (1 << 15)) >> 1);
            short pre = SaturatingDoublingHighMul(reluish, preshift);
            short r = (short)(RoundingDivideByPOT(pre, -outExp) + outZp);
            y[i] = (sbyte)Math.Clamp((int)r, sbyte.MinValue, sbyte.MaxValue);
        }
    }
}
