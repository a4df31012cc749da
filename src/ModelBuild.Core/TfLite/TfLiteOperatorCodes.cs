using ModelBuild.Core.Graph;

namespace ModelBuild.Core.TfLite;

/// <summary>The one-to-one map between the IR's <see cref="OpType"/> and TFLite builtin operators.</summary>
public static class TfLiteOperatorCodes
{
    private static readonly Dictionary<OpType, TfLiteBuiltinOperator> ToBuiltin = new()
    {
        [OpType.Conv2D] = TfLiteBuiltinOperator.Conv2D,
        [OpType.DepthwiseConv2D] = TfLiteBuiltinOperator.DepthwiseConv2D,
        [OpType.FullyConnected] = TfLiteBuiltinOperator.FullyConnected,
        [OpType.Add] = TfLiteBuiltinOperator.Add,
        [OpType.Sub] = TfLiteBuiltinOperator.Sub,
        [OpType.Mul] = TfLiteBuiltinOperator.Mul,
        [OpType.Maximum] = TfLiteBuiltinOperator.Maximum,
        [OpType.Minimum] = TfLiteBuiltinOperator.Minimum,
        [OpType.Concatenation] = TfLiteBuiltinOperator.Concatenation,
        [OpType.Pad] = TfLiteBuiltinOperator.Pad,
        [OpType.MaxPool2D] = TfLiteBuiltinOperator.MaxPool2D,
        [OpType.AveragePool2D] = TfLiteBuiltinOperator.AveragePool2D,
        [OpType.Mean] = TfLiteBuiltinOperator.Mean,
        [OpType.ReduceMax] = TfLiteBuiltinOperator.ReduceMax,
        [OpType.Reshape] = TfLiteBuiltinOperator.Reshape,
        [OpType.Softmax] = TfLiteBuiltinOperator.Softmax,
        [OpType.Logistic] = TfLiteBuiltinOperator.Logistic,
        [OpType.Tanh] = TfLiteBuiltinOperator.Tanh,
        [OpType.Relu] = TfLiteBuiltinOperator.Relu,
        [OpType.Relu6] = TfLiteBuiltinOperator.Relu6,
        [OpType.ReluN1To1] = TfLiteBuiltinOperator.ReluN1To1,
        [OpType.LeakyRelu] = TfLiteBuiltinOperator.LeakyRelu,
        [OpType.HardSwish] = TfLiteBuiltinOperator.HardSwish,
        [OpType.ResizeNearestNeighbor] = TfLiteBuiltinOperator.ResizeNearestNeighbor,
        [OpType.Quantize] = TfLiteBuiltinOperator.Quantize,
        [OpType.Dequantize] = TfLiteBuiltinOperator.Dequantize,
    };

    private static readonly Dictionary<TfLiteBuiltinOperator, OpType> FromBuiltin = ToBuiltin.ToDictionary(kv => kv.Value, kv => kv.Key);

    public static TfLiteBuiltinOperator Builtin(OpType op) =>
        ToBuiltin.TryGetValue(op, out var code) ? code : throw new NotSupportedException($"Op {op} has no TFLite builtin mapping.");

    public static bool TryGetOpType(int builtinCode, out OpType op) => FromBuiltin.TryGetValue((TfLiteBuiltinOperator)builtinCode, out op);
}
