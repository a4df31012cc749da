using ModelBuild.Core.Graph;
using static ModelBuild.Core.Execution.Int8.Int8FixedPoint;

namespace ModelBuild.Core.Execution.Int8;

/// <summary>
/// A two-input int8 op with its own output parameters (ADD, SUB, MUL): the inputs' offsets and scales, the output
/// zero point and fused-activation range, and the broadcast loop; a subclass computes one output value.
/// </summary>
internal abstract class Int8QuantizedBinaryKernel : Int8Kernel
{
    private readonly Tensor a, b, output;
    private readonly Int8Broadcast broadcast;
    private protected readonly float sa, sb, so;
    private protected readonly int offA, offB, outZp, actMin, actMax;

    private protected Int8QuantizedBinaryKernel(Node node)
    {
        (a, b, output) = (node.Inputs[0]!, node.Inputs[1]!, node.Outputs[0]);
        var act = (node.Options as ElementwiseOptions)?.Activation ?? FusedActivation.None;
        (sa, sb, so) = (Int8Quant.Scale(a), Int8Quant.Scale(b), Int8Quant.Scale(output));
        offA = -Int8Quant.ZeroPoint(a);
        offB = -Int8Quant.ZeroPoint(b);
        outZp = Int8Quant.ZeroPoint(output);
        (actMin, actMax) = ActivationRange(act, so, outZp);
        broadcast = new Int8Broadcast(a.Shape, b.Shape, output.Shape);
    }

    /// <summary>From this many outputs on, every operand pair's result is tabulated once (65536 values) and looked up.</summary>
    internal const int TabulatedFrom = 1 << 14;

    private sbyte[]? table;

    public sealed override void Run(Int8TensorStore store)
    {
        var y = store.Allocate(output);
        if (y.Length >= TabulatedFrom) broadcast.Apply(store.Get(a), store.Get(b), y, table ??= Tabulate());
        else broadcast.Apply(store.Get(a), store.Get(b), y, Compute);
    }

    /// <summary>One output value from one pair of input values.</summary>
    internal abstract sbyte Compute(sbyte xa, sbyte xb);

    /// <summary>Every operand pair's <see cref="Compute"/>, indexed ((a + 128) &lt;&lt; 8) | (b + 128).</summary>
    private protected virtual sbyte[] Tabulate() => Int8Broadcast.Table(Compute);
}

/// <summary>ADD and SUB int8: both inputs rescaled to a common 2^20-scaled grid, then to the output (add.cc / sub.cc).</summary>
internal sealed class Int8AddSubKernel : Int8QuantizedBinaryKernel
{
    private const int LeftShift = 20;
    private readonly bool subtract;
    private readonly int multA, shiftA, multB, shiftB, multOut, shiftOut;

    public Int8AddSubKernel(Node node, bool subtract) : base(node)
    {
        this.subtract = subtract;
        double twiceMax = 2 * Math.Max(sa, sb);
        QuantizeMultiplier(sa / twiceMax, out multA, out shiftA);
        QuantizeMultiplier(sb / twiceMax, out multB, out shiftB);
        QuantizeMultiplier(twiceMax / ((1 << LeftShift) * so), out multOut, out shiftOut);
    }

    internal override sbyte Compute(sbyte xa, sbyte xb) => Combine(RescaledA(xa), RescaledB(xb));

    /// <summary><see cref="Compute"/> with each input's rescaling done once per value (256 each) rather than once per pair.</summary>
    private protected override sbyte[] Tabulate()
    {
        var va = new int[256];
        var vb = new int[256];
        for (int v = -128; v < 128; v++) (va[v + 128], vb[v + 128]) = (RescaledA((sbyte)v), RescaledB((sbyte)v));
        var table = new sbyte[1 << 16];
        for (int i = 0; i < table.Length; i++) table[i] = Combine(va[i >> 8], vb[i & 255]);
        return table;
    }

    private int RescaledA(sbyte xa) => MultiplyByQuantizedMultiplier((xa + offA) * (1 << LeftShift), multA, shiftA);

    private int RescaledB(sbyte xb) => MultiplyByQuantizedMultiplier((xb + offB) * (1 << LeftShift), multB, shiftB);

    private sbyte Combine(int va, int vb)
    {
        int raw = subtract ? va - vb : va + vb;
        int r = MultiplyByQuantizedMultiplier(raw, multOut, shiftOut) + outZp;
        return (sbyte)Clamp(r, actMin, actMax);
    }
}

/// <summary>MUL int8 (mul.cc): product of offset inputs times one multiplier.</summary>
internal sealed class Int8MulKernel : Int8QuantizedBinaryKernel
{
    private readonly int mult, shift;

    public Int8MulKernel(Node node) : base(node)
    {
        float real = sa * sb / so;
        QuantizeMultiplier(real, out mult, out shift);
    }

    internal override sbyte Compute(sbyte xa, sbyte xb) =>
        (sbyte)Clamp(MultiplyByQuantizedMultiplier((xa + offA) * (xb + offB), mult, shift) + outZp, actMin, actMax);
}

/// <summary>MAXIMUM / MINIMUM int8: inputs and output share parameters, so it compares raw values.</summary>
internal sealed class Int8MinMaxKernel : Int8Kernel
{
    private readonly Tensor a, b, output;
    private readonly bool max;
    private readonly Int8Broadcast broadcast;

    public Int8MinMaxKernel(Node node, bool max)
    {
        (a, b, output) = (node.Inputs[0]!, node.Inputs[1]!, node.Outputs[0]);
        this.max = max;
        broadcast = new Int8Broadcast(a.Shape, b.Shape, output.Shape);
    }

    public override void Run(Int8TensorStore store) =>
        broadcast.Apply(store.Get(a), store.Get(b), store.Allocate(output), (p, q) => max ? Math.Max(p, q) : Math.Min(p, q));
}
