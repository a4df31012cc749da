using ModelBuild.Core.Graph;

namespace ModelBuild.Core.TfLite;

/// <summary>
/// The lowest operator version that expresses each node, following TFLite's op version registry
/// (tensorflow/lite/tools/versioning/op_version.cc), and the minimum runtime each version needs
/// (runtime_version.cc). Edge TPU compilers bundle an old TFLite and reject newer versions, so never go higher.
/// </summary>
public static class TfLiteOperatorVersions
{
    public static int Version(Node node)
    {
        var inType = FirstInput(node)?.Type ?? DataType.Float32;
        bool int8 = inType == DataType.Int8;
        switch (node.Op)
        {
            case OpType.Conv2D:
                return int8 && node.Inputs[1]?.Type == DataType.Int8 && node.Outputs[0].Type == DataType.Int8 ? 3 : 1;
            case OpType.DepthwiseConv2D:
            {
                if (int8 && node.Inputs[1]?.Type == DataType.Int8 && node.Outputs[0].Type == DataType.Int8) return 3;
                var o = node.OptionsAs<DepthwiseConv2DOptions>();
                return o.DilationH != 1 || o.DilationW != 1 ? 2 : 1;
            }
            case OpType.FullyConnected:
            {
                // The writer always passes three inputs (a missing bias as -1), which keeps it below version 6.
                if (node.OptionsAs<FullyConnectedOptions>().KeepNumDims) return 5;
                return int8 && node.Inputs[1]?.Type == DataType.Int8 && node.Outputs[0].Type == DataType.Int8 ? 4 : 1;
            }
            case OpType.Sub:
            case OpType.Maximum:
            case OpType.Minimum:
                if (NeedsBroadcast(node) && node.Inputs.Max(t => t?.Rank ?? 0) > 4) return 3;
                return int8 ? 2 : 1;
            case OpType.Mul:
                if (int8 && MulRescaleAtLeastOne(node)) return 3;
                return int8 ? 2 : 1;
            case OpType.Pad:
                if (FirstInput(node)!.Rank > 4) return 4;
                return int8 ? 2 : 1;
            case OpType.ResizeNearestNeighbor:
            {
                var o = node.Options as ResizeOptions ?? new ResizeOptions();
                if (o.AlignCorners || o.HalfPixelCenters) return 3;
                return int8 ? 2 : 1;
            }
            case OpType.Add:
            case OpType.Concatenation:
            case OpType.MaxPool2D:
            case OpType.AveragePool2D:
            case OpType.Mean:
            case OpType.ReduceMax:
            case OpType.Softmax:
            case OpType.Logistic:
            case OpType.Tanh:
            case OpType.Relu:
            case OpType.Relu6:
                return int8 ? 2 : 1;
            case OpType.Dequantize:
                if (int8 && FirstInput(node)!.Quant is { IsPerChannel: true }) return 5;
                return int8 ? 2 : 1;
            case OpType.Quantize:
                return node.Outputs[0].Quant is { IsPerChannel: true } ? 3 : 1;
            case OpType.Reshape:
            case OpType.ReluN1To1:
            case OpType.LeakyRelu:
            case OpType.HardSwish:
                return 1;
            default:
                throw new NotSupportedException($"No TFLite version rule for op {node.Op} (node '{node.Name}').");
        }
    }

    /// <summary>runtime_version.cc: the TFLite release that first ran this operator version.</summary>
    public static string MinRuntimeVersion(TfLiteBuiltinOperator op, int version) => (op, version) switch
    {
        (TfLiteBuiltinOperator.Conv2D, 1) => "1.5.0",
        (TfLiteBuiltinOperator.Conv2D, 3) => "1.14.0",
        (TfLiteBuiltinOperator.DepthwiseConv2D, 1) => "1.5.0",
        (TfLiteBuiltinOperator.DepthwiseConv2D, 2) => "1.12.0",
        (TfLiteBuiltinOperator.DepthwiseConv2D, 3) => "1.14.0",
        (TfLiteBuiltinOperator.FullyConnected, 1) => "1.5.0",
        (TfLiteBuiltinOperator.FullyConnected, 4) => "1.14.0",
        (TfLiteBuiltinOperator.FullyConnected, 5) => "2.0.0",
        (TfLiteBuiltinOperator.Add, 1) => "1.5.0",
        (TfLiteBuiltinOperator.Add, 2) => "1.14.0",
        (TfLiteBuiltinOperator.Sub, 1) => "1.6.0",
        (TfLiteBuiltinOperator.Sub, 2) => "1.14.0",
        (TfLiteBuiltinOperator.Sub, 3) => "2.3.0",
        (TfLiteBuiltinOperator.Mul, 1) => "1.5.0",
        (TfLiteBuiltinOperator.Mul, 2) => "1.14.0",
        (TfLiteBuiltinOperator.Mul, 3) => "1.15.0",
        (TfLiteBuiltinOperator.Maximum or TfLiteBuiltinOperator.Minimum, 1 or 2) => "1.14.0",
        (TfLiteBuiltinOperator.Maximum or TfLiteBuiltinOperator.Minimum, 3) => "2.3.0",
        (TfLiteBuiltinOperator.Concatenation, 1) => "1.5.0",
        (TfLiteBuiltinOperator.Concatenation, 2) => "1.14.0",
        (TfLiteBuiltinOperator.Pad, 1) => "1.5.0",
        (TfLiteBuiltinOperator.Pad, 2) => "1.14.0",
        (TfLiteBuiltinOperator.Pad, 4) => "2.6.0",
        (TfLiteBuiltinOperator.MaxPool2D or TfLiteBuiltinOperator.AveragePool2D, 1) => "1.5.0",
        (TfLiteBuiltinOperator.MaxPool2D or TfLiteBuiltinOperator.AveragePool2D, 2) => "1.14.0",
        (TfLiteBuiltinOperator.Mean, 1) => "1.6.0",
        (TfLiteBuiltinOperator.Mean, 2) => "1.14.0",
        (TfLiteBuiltinOperator.ReduceMax, 1) => "1.11.0",
        (TfLiteBuiltinOperator.ReduceMax, 2) => "1.14.0",
        (TfLiteBuiltinOperator.Reshape, 1) => "1.5.0",
        (TfLiteBuiltinOperator.Softmax, 1) => "1.5.0",
        (TfLiteBuiltinOperator.Softmax, 2) => "1.14.0",
        (TfLiteBuiltinOperator.Logistic or TfLiteBuiltinOperator.Tanh, 1 or 2) => "1.14.0",
        (TfLiteBuiltinOperator.Relu, 1) => "1.5.0",
        (TfLiteBuiltinOperator.Relu, 2) => "2.1.0",
        (TfLiteBuiltinOperator.Relu6, 1) => "1.5.0",
        (TfLiteBuiltinOperator.Relu6, 2) => "1.14.0",
        (TfLiteBuiltinOperator.ReluN1To1, 1) => "1.5.0",
        (TfLiteBuiltinOperator.LeakyRelu, 1) => "1.13.1",
        (TfLiteBuiltinOperator.HardSwish, 1) => "1.15.0",
        (TfLiteBuiltinOperator.ResizeNearestNeighbor, 1) => "1.13.1",
        (TfLiteBuiltinOperator.ResizeNearestNeighbor, 2) => "1.14.0",
        (TfLiteBuiltinOperator.ResizeNearestNeighbor, 3) => "2.3.0",
        (TfLiteBuiltinOperator.Quantize, 1) => "1.14.0",
        (TfLiteBuiltinOperator.Quantize, 3) => "2.7.0",
        (TfLiteBuiltinOperator.Dequantize, 1) => "1.13.1",
        (TfLiteBuiltinOperator.Dequantize, 2) => "1.14.0",
        (TfLiteBuiltinOperator.Dequantize, 5) => "2.7.0",
        _ => "",
    };

    /// <summary>runtime_version.cc's CompareRuntimeVersion: numeric, dot-separated; "" is lowest.</summary>
    public static int CompareRuntimeVersions(string a, string b)
    {
        if (a.Length == 0 || b.Length == 0) return a.Length.CompareTo(b.Length);
        var x = a.Split('.').Select(int.Parse).ToArray();
        var y = b.Split('.').Select(int.Parse).ToArray();
        for (int i = 0; i < Math.Min(x.Length, y.Length); i++)
            if (x[i] != y[i]) return x[i].CompareTo(y[i]);
        return x.Length.CompareTo(y.Length);
    }

    private static Tensor? FirstInput(Node node) => node.Inputs.Count > 0 ? node.Inputs[0] : null;

    private static bool NeedsBroadcast(Node node) =>
        node.Inputs.Count >= 2 && node.Inputs[0] is { } a && node.Inputs[1] is { } b && !a.Shape.SequenceEqual(b.Shape);

    private static bool MulRescaleAtLeastOne(Node node)
    {
        var s1 = node.Inputs[0]?.Quant?.Scale[0] ?? 0;
        var s2 = node.Inputs[1]?.Quant?.Scale[0] ?? 0;
        var so = node.Outputs[0].Quant?.Scale[0] ?? 0;
        return s1 != 0 && s2 != 0 && so != 0 && s1 * s2 / so >= 1.0;
    }
}
