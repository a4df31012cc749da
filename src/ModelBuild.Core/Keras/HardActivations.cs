using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Keras;

/// <summary>
/// hard_sigmoid, hard_swish / hard_silu lowered to ADD, RELU6 and MUL, operators Coral's Edge TPU runs (TFLite's
/// HARD_SWISH is not in its table: the compiler leaves it to the CPU and splits the graph there). The accuracy
/// cost of the lowering against HARD_SWISH is measured in docs/EDGETPU.md.
/// hard_sigmoid differs by Keras version: Keras 2 computes clip(0.2·x + 0.5, 0, 1), Keras 3 relu6(x + 3) / 6.
/// </summary>
internal sealed partial class LayerConverter
{
    /// <summary>The major version of the Keras that wrote the file (`keras_version` of the .h5 or of the .keras metadata.json).</summary>
    public int KerasMajor { get; init; } = 2;

    /// <summary>relu6(x·a + 3)·(1/6): a = 1 is Keras 3's hard_sigmoid, a = 1.2 Keras 2's (6·(0.2x + 0.5) = 1.2x + 3).</summary>
    private Tensor HardSigmoid(Tensor x, string outName, bool keras2Slope)
    {
        var scaled = x;
        if (keras2Slope)
            scaled = g.Emit(OpType.Mul, outName + "/slope", x.Shape, [x, g.Constant(outName + "/slope_factor", [1], [1.2f])], new ElementwiseOptions());
        var shifted = g.Emit(OpType.Add, outName + "/plus3", x.Shape, [scaled, g.Constant(outName + "/three", [1], [3f])], new ElementwiseOptions());
        var clipped = g.Emit(OpType.Relu6, outName + "/relu6", x.Shape, [shifted]);
        return g.Emit(OpType.Mul, outName, x.Shape, [clipped, g.Constant(outName + "/one_sixth", [1], [1f / 6])], new ElementwiseOptions());
    }

    /// <summary>x·relu6(x + 3)·(1/6), the same function as HARD_SWISH.</summary>
    private Tensor HardSwish(Tensor x, string outName)
    {
        var gate = HardSigmoid(x, outName + "/hard_sigmoid", keras2Slope: false);
        return g.Emit(OpType.Mul, outName, x.Shape, [x, gate], new ElementwiseOptions());
    }

    /// <summary>x·sigmoid(x) as MUL and LOGISTIC, both Edge TPU operators.</summary>
    private Tensor Swish(Tensor x, string outName)
    {
        var sig = g.Emit(OpType.Logistic, outName + "/sigmoid", x.Shape, [x]);
        return g.Emit(OpType.Mul, outName, x.Shape, [x, sig], new ElementwiseOptions());
    }
}
