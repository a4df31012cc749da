using ModelBuild.Core.Graph;
using static ModelBuild.Core.Execution.Int8.Int8FixedPoint;

namespace ModelBuild.Core.Execution.Int8;

/// <summary>ADD and SUB int8: both inputs rescaled to a common 2^20-scaled grid, then to the output (add.cc / sub.cc).</summary>
internal sealed class Int8AddSubKernel : Int8Kernel
{
    private const int LeftShift = 20;
    private readonly Tensor a, b, output;
    private readonly bool subtract;
    private readonly Int8Broadcast broadcast;
    private readonly int offA, offB, outZp, multA, shiftA, multB, shiftB, multOut, shiftOut, actMin, actMax;

    public Int8AddSubKernel(Node node, bool subtract)
    {
        this.subtract = subtract;
        (a, b, output) = (node.Inputs[0]!, node.Inputs[1]!, node.Outputs[0]);
        var act = (node.Options as ElementwiseOptions)?.Activation ?? FusedActivation.None;
        float sa = Int8Quant.Scale(a), sb = Int8Quant.Scale(b), so = Int8Quant.Scale(output);
        offA = -Int8Quant.ZeroPoint(a);
        offB = -Int8Quant.ZeroPoint(b);
        outZp = Int8Quant.ZeroPoint(output);
        double twiceMax = 2 * Math.Max(sa, sb);
        QuantizeMultiplier(sa / twiceMax, out multA, out shiftA);
        QuantizeMultiplier(sb / twiceMax, out multB, out shiftB);
        QuantizeMultiplier(twiceMax / ((1 << LeftShift) * so), out multOut, out shiftOut);
        (actMin, actMax) = ActivationRange(act, so, outZp);
        broadcast = new Int8Broadcast(a.Shape, b.Shape, output.Shape);
    }

    public override void Run(Int8TensorStore store) => broadcast.Apply(store.Get(a), store.Get(b), store.Allocate(output), Compute);

    private sbyte Compute(sbyte xa, sbyte xb)
    {
        int va = MultiplyByQuantizedMultiplier((xa + offA) * (1 << LeftShift), multA, shiftA);
        int vb = MultiplyByQuantizedMultiplier((xb + offB) * (1 << LeftShift), multB, shiftB);
        int raw = subtract ? va - vb : va + vb;
        int r = MultiplyByQuantizedMultiplier(raw, multOut, shiftOut) + outZp;
        return (sbyte)Clamp(r, actMin, actMax);
    }
}

/// <summary>MUL int8 (mul.cc): product of offset inputs times one multiplier.</summary>
internal sealed class Int8MulKernel : Int8Kernel
{
    private readonly Tensor a, b, output;
    private readonly Int8Broadcast broadcast;
    private readonly int offA, offB, outZp, mult, shift, actMin, actMax;

    public Int8MulKernel(Node node)
    {
        (a, b, output) = (node.Inputs[0]!, node.Inputs[1]!, node.Outputs[0]);
        var act = (node.Options as ElementwiseOptions)?.Activation ?? FusedActivation.None;
        float sa = Int8Quant.Scale(a), sb = Int8Quant.Scale(b), so = Int8Quant.Scale(output);
        offA = -Int8Quant.ZeroPoint(a);
        offB = -Int8Quant.ZeroPoint(b);
        outZp = Int8Quant.ZeroPoint(output);
        float real = sa * sb / so;
        QuantizeMultiplier(real, out mult, out shift);
        (actMin, actMax) = ActivationRange(act, so, outZp);
        broadcast = new Int8Broadcast(a.Shape, b.Shape, output.Shape);
    }

    public override void Run(Int8TensorStore store) => broadcast.Apply(store.Get(a), store.Get(b), store.Allocate(output), Compute);

    private sbyte Compute(sbyte xa, sbyte xb) =>
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
