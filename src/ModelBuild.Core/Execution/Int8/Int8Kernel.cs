using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Execution.Int8;

/// <summary>One prepared int8 operator: parameters computed once, then run on the executor's tensor store.</summary>
internal abstract class Int8Kernel
{
    public abstract void Run(Int8TensorStore store);
}

/// <summary>The int8 values of every runtime tensor during one run.</summary>
internal sealed class Int8TensorStore
{
    private readonly Dictionary<Tensor, sbyte[]> values = new(ReferenceEqualityComparer.Instance);

    public sbyte[] Get(Tensor t)
    {
        if (values.TryGetValue(t, out var v)) return v;
        if (t.Data is sbyte[] constant) return constant;
        throw new InvalidOperationException($"Tensor '{t.Name}' has no value yet.");
    }

    public sbyte[] Allocate(Tensor t)
    {
        var v = new sbyte[checked((int)t.ElementCount)];
        values[t] = v;
        return v;
    }

    public void Set(Tensor t, sbyte[] v) => values[t] = v;

    public void Release(Tensor t) => values.Remove(t);
}

/// <summary>Per-tensor quantization parameters as the kernels need them.</summary>
internal static class Int8Quant
{
    public static float Scale(Tensor t) => Params(t).Scale[0];

    public static int ZeroPoint(Tensor t) => (int)Params(t).ZeroPoint[0];

    public static QuantParams Params(Tensor t) =>
        t.Quant ?? throw new InvalidOperationException($"Tensor '{t.Name}' has no quantization parameters; the int8 executor needs a quantized graph.");

    /// <summary>Same-padding offset as TFLite's ComputePaddingWithOffset (the smaller half before).</summary>
    public static int PaddingBefore(Padding padding, int stride, int dilation, int inSize, int filterSize, int outSize)
    {
        if (padding == Padding.Valid) return 0;
        int effective = (filterSize - 1) * dilation + 1;
        int total = (outSize - 1) * stride + effective - inSize;
        return Math.Max(total, 0) / 2;
    }

    /// <summary>Shape padded on the left with 1s to rank 4 (TFLite's ExtendedShape).</summary>
    public static int[] Extend4(int[] shape)
    {
        if (shape.Length > 4) throw new NotSupportedException($"Rank {shape.Length} tensors are not supported by the int8 executor.");
        var s = new int[4];
        int pad = 4 - shape.Length;
        for (int i = 0; i < 4; i++) s[i] = i < pad ? 1 : shape[i - pad];
        return s;
    }
}
