using Google.FlatBuffers;
using ModelBuild.Core.Graph;
using S = ModelBuild.Core.TfLite.TfLiteSchema;

namespace ModelBuild.Core.TfLite;

/// <summary>Writes a node's <see cref="OpOptions"/> as TFLite's builtin option table, and reads it back.</summary>
internal static class TfLiteOptionsCodec
{
    /// <summary>Builds the option table of a node; returns its union type and offset (None/0 for ops without options).</summary>
    public static (TfLiteBuiltinOptionsType Type, int Offset) Write(FlatBufferBuilder b, Node node)
    {
        switch (node.Op)
        {
            case OpType.Conv2D:
            {
                var o = node.OptionsAs<Conv2DOptions>();
                b.StartTable(S.Conv2DOptions.FieldCount);
                b.AddSbyte(S.Conv2DOptions.Padding, PaddingCode(o.Padding), 0);
                b.AddInt(S.Conv2DOptions.StrideW, o.StrideW, 0);
                b.AddInt(S.Conv2DOptions.StrideH, o.StrideH, 0);
                b.AddSbyte(S.Conv2DOptions.FusedActivation, ActivationCode(o.Activation), 0);
                b.AddInt(S.Conv2DOptions.DilationW, o.DilationW, 1);
                b.AddInt(S.Conv2DOptions.DilationH, o.DilationH, 1);
                return (TfLiteBuiltinOptionsType.Conv2DOptions, b.EndTable());
            }
            case OpType.DepthwiseConv2D:
            {
                var o = node.OptionsAs<DepthwiseConv2DOptions>();
                b.StartTable(S.DepthwiseConv2DOptions.FieldCount);
                b.AddSbyte(S.DepthwiseConv2DOptions.Padding, PaddingCode(o.Padding), 0);
                b.AddInt(S.DepthwiseConv2DOptions.StrideW, o.StrideW, 0);
                b.AddInt(S.DepthwiseConv2DOptions.StrideH, o.StrideH, 0);
                b.AddInt(S.DepthwiseConv2DOptions.DepthMultiplier, o.DepthMultiplier, 0);
                b.AddSbyte(S.DepthwiseConv2DOptions.FusedActivation, ActivationCode(o.Activation), 0);
                b.AddInt(S.DepthwiseConv2DOptions.DilationW, o.DilationW, 1);
                b.AddInt(S.DepthwiseConv2DOptions.DilationH, o.DilationH, 1);
                return (TfLiteBuiltinOptionsType.DepthwiseConv2DOptions, b.EndTable());
            }
            case OpType.FullyConnected:
            {
                var o = node.Options as FullyConnectedOptions ?? new FullyConnectedOptions();
                b.StartTable(S.FullyConnectedOptions.FieldCount);
                b.AddSbyte(S.FullyConnectedOptions.FusedActivation, ActivationCode(o.Activation), 0);
                b.AddBool(S.FullyConnectedOptions.KeepNumDims, o.KeepNumDims, false);
                return (TfLiteBuiltinOptionsType.FullyConnectedOptions, b.EndTable());
            }
            case OpType.Add:
                return (TfLiteBuiltinOptionsType.AddOptions, ActivationOnly(b, node));
            case OpType.Sub:
                return (TfLiteBuiltinOptionsType.SubOptions, ActivationOnly(b, node));
            case OpType.Mul:
                return (TfLiteBuiltinOptionsType.MulOptions, ActivationOnly(b, node));
            case OpType.Maximum:
            case OpType.Minimum:
                return (TfLiteBuiltinOptionsType.MaximumMinimumOptions, Empty(b));
            case OpType.Pad:
                return (TfLiteBuiltinOptionsType.PadOptions, Empty(b));
            case OpType.Concatenation:
            {
                var o = node.OptionsAs<ConcatenationOptions>();
                b.StartTable(S.ConcatenationOptions.FieldCount);
                b.AddInt(S.ConcatenationOptions.Axis, o.Axis, 0);
                b.AddSbyte(S.ConcatenationOptions.FusedActivation, ActivationCode(o.Activation), 0);
                return (TfLiteBuiltinOptionsType.ConcatenationOptions, b.EndTable());
            }
            case OpType.MaxPool2D:
            case OpType.AveragePool2D:
            {
                var o = node.OptionsAs<Pool2DOptions>();
                b.StartTable(S.Pool2DOptions.FieldCount);
                b.AddSbyte(S.Pool2DOptions.Padding, PaddingCode(o.Padding), 0);
                b.AddInt(S.Pool2DOptions.StrideW, o.StrideW, 0);
                b.AddInt(S.Pool2DOptions.StrideH, o.StrideH, 0);
                b.AddInt(S.Pool2DOptions.FilterWidth, o.FilterW, 0);
                b.AddInt(S.Pool2DOptions.FilterHeight, o.FilterH, 0);
                b.AddSbyte(S.Pool2DOptions.FusedActivation, ActivationCode(o.Activation), 0);
                return (TfLiteBuiltinOptionsType.Pool2DOptions, b.EndTable());
            }
            case OpType.Mean:
            case OpType.ReduceMax:
            {
                var o = node.OptionsAs<ReducerOptions>();
                b.StartTable(S.ReducerOptions.FieldCount);
                b.AddBool(S.ReducerOptions.KeepDims, o.KeepDims, false);
                return (TfLiteBuiltinOptionsType.ReducerOptions, b.EndTable());
            }
            case OpType.Reshape:
            {
                var newShape = (node.Options as ReshapeOptions)?.NewShape ?? node.Outputs[0].Shape;
                var vec = IntVector(b, newShape);
                b.StartTable(S.ReshapeOptions.FieldCount);
                b.AddOffset(S.ReshapeOptions.NewShape, vec, 0);
                return (TfLiteBuiltinOptionsType.ReshapeOptions, b.EndTable());
            }
            case OpType.Softmax:
            {
                var o = node.Options as SoftmaxOptions ?? new SoftmaxOptions();
                b.StartTable(S.SoftmaxOptions.FieldCount);
                b.AddFloat(S.SoftmaxOptions.Beta, o.Beta, 0);
                return (TfLiteBuiltinOptionsType.SoftmaxOptions, b.EndTable());
            }
            case OpType.LeakyRelu:
            {
                var o = node.OptionsAs<LeakyReluOptions>();
                b.StartTable(S.LeakyReluOptions.FieldCount);
                b.AddFloat(S.LeakyReluOptions.Alpha, o.Alpha, 0);
                return (TfLiteBuiltinOptionsType.LeakyReluOptions, b.EndTable());
            }
            case OpType.ResizeNearestNeighbor:
            {
                var o = node.Options as ResizeOptions ?? new ResizeOptions();
                b.StartTable(S.ResizeNearestNeighborOptions.FieldCount);
                b.AddBool(S.ResizeNearestNeighborOptions.AlignCorners, o.AlignCorners, false);
                b.AddBool(S.ResizeNearestNeighborOptions.HalfPixelCenters, o.HalfPixelCenters, false);
                return (TfLiteBuiltinOptionsType.ResizeNearestNeighborOptions, b.EndTable());
            }
            case OpType.HardSwish:
                return (TfLiteBuiltinOptionsType.HardSwishOptions, Empty(b));
            case OpType.Quantize:
                return (TfLiteBuiltinOptionsType.QuantizeOptions, Empty(b));
            case OpType.Dequantize:
                return (TfLiteBuiltinOptionsType.DequantizeOptions, Empty(b));
            default:
                // LOGISTIC, TANH, RELU, RELU6, RELU_N1_TO_1 carry no options.
                return (TfLiteBuiltinOptionsType.None, 0);
        }
    }

    /// <summary>Reads the option table of an operator back into the IR's options for <paramref name="op"/>.</summary>
    public static OpOptions? Read(OpType op, Table? t, int[] outputShape)
    {
        int Int(int slot, int def) => t is { } x && x.__offset(4 + 2 * slot) is var o && o != 0 ? x.bb.GetInt(x.bb_pos + o) : def;
        sbyte Byte(int slot) => t is { } x && x.__offset(4 + 2 * slot) is var o && o != 0 ? x.bb.GetSbyte(x.bb_pos + o) : (sbyte)0;
        bool Bool(int slot) => Byte(slot) != 0;
        float Float(int slot, float def) => t is { } x && x.__offset(4 + 2 * slot) is var o && o != 0 ? x.bb.GetFloat(x.bb_pos + o) : def;

        switch (op)
        {
            case OpType.Conv2D:
                return new Conv2DOptions(ToPadding(Byte(S.Conv2DOptions.Padding)), Int(S.Conv2DOptions.StrideH, 0), Int(S.Conv2DOptions.StrideW, 0),
                    Int(S.Conv2DOptions.DilationH, 1), Int(S.Conv2DOptions.DilationW, 1), ToActivation(Byte(S.Conv2DOptions.FusedActivation)));
            case OpType.DepthwiseConv2D:
                return new DepthwiseConv2DOptions(ToPadding(Byte(S.DepthwiseConv2DOptions.Padding)), Int(S.DepthwiseConv2DOptions.StrideH, 0),
                    Int(S.DepthwiseConv2DOptions.StrideW, 0), Int(S.DepthwiseConv2DOptions.DepthMultiplier, 0),
                    Int(S.DepthwiseConv2DOptions.DilationH, 1), Int(S.DepthwiseConv2DOptions.DilationW, 1),
                    ToActivation(Byte(S.DepthwiseConv2DOptions.FusedActivation)));
            case OpType.FullyConnected:
                return new FullyConnectedOptions(ToActivation(Byte(S.FullyConnectedOptions.FusedActivation)), Bool(S.FullyConnectedOptions.KeepNumDims));
            case OpType.Add:
            case OpType.Sub:
            case OpType.Mul:
                return new ElementwiseOptions(ToActivation(Byte(S.ActivationOnlyOptions.FusedActivation)));
            case OpType.Concatenation:
                return new ConcatenationOptions(Int(S.ConcatenationOptions.Axis, 0), ToActivation(Byte(S.ConcatenationOptions.FusedActivation)));
            case OpType.MaxPool2D:
            case OpType.AveragePool2D:
                return new Pool2DOptions(ToPadding(Byte(S.Pool2DOptions.Padding)), Int(S.Pool2DOptions.StrideH, 0), Int(S.Pool2DOptions.StrideW, 0),
                    Int(S.Pool2DOptions.FilterHeight, 0), Int(S.Pool2DOptions.FilterWidth, 0), ToActivation(Byte(S.Pool2DOptions.FusedActivation)));
            case OpType.Mean:
            case OpType.ReduceMax:
                return new ReducerOptions(Bool(S.ReducerOptions.KeepDims));
            case OpType.Reshape:
            {
                int[]? shape = null;
                if (t is { } x && x.__offset(4 + 2 * S.ReshapeOptions.NewShape) != 0) shape = x.__vector_as_array<int>(4 + 2 * S.ReshapeOptions.NewShape);
                return new ReshapeOptions(shape ?? outputShape);
            }
            case OpType.Softmax:
                return new SoftmaxOptions(Float(S.SoftmaxOptions.Beta, 0f));
            case OpType.LeakyRelu:
                return new LeakyReluOptions(Float(S.LeakyReluOptions.Alpha, 0f));
            case OpType.ResizeNearestNeighbor:
                return new ResizeOptions(Bool(S.ResizeNearestNeighborOptions.AlignCorners), Bool(S.ResizeNearestNeighborOptions.HalfPixelCenters));
            default:
                return null;
        }
    }

    public static int IntVector(FlatBufferBuilder b, int[] values)
    {
        b.StartVector(sizeof(int), values.Length, sizeof(int));
        for (int i = values.Length - 1; i >= 0; i--) b.AddInt(values[i]);
        return b.EndVector().Value;
    }

    private static int ActivationOnly(FlatBufferBuilder b, Node node)
    {
        var act = (node.Options as ElementwiseOptions)?.Activation ?? FusedActivation.None;
        b.StartTable(S.ActivationOnlyOptions.FieldCount);
        b.AddSbyte(S.ActivationOnlyOptions.FusedActivation, ActivationCode(act), 0);
        return b.EndTable();
    }

    private static int Empty(FlatBufferBuilder b)
    {
        b.StartTable(0);
        return b.EndTable();
    }

    // schema.fbs: enum Padding { SAME, VALID }; enum ActivationFunctionType { NONE, RELU, RELU_N1_TO_1, RELU6, TANH, SIGN_BIT }.
    private static sbyte PaddingCode(Padding p) => p == Graph.Padding.Same ? (sbyte)0 : (sbyte)1;

    private static Padding ToPadding(sbyte v) => v == 0 ? Graph.Padding.Same : Graph.Padding.Valid;

    private static sbyte ActivationCode(FusedActivation a) => a switch
    {
        FusedActivation.None => 0,
        FusedActivation.Relu => 1,
        FusedActivation.ReluN1To1 => 2,
        FusedActivation.Relu6 => 3,
        _ => throw new NotSupportedException($"Fused activation {a} has no TFLite code."),
    };

    private static FusedActivation ToActivation(sbyte v) => v switch
    {
        0 => FusedActivation.None,
        1 => FusedActivation.Relu,
        2 => FusedActivation.ReluN1To1,
        3 => FusedActivation.Relu6,
        _ => throw new InvalidDataException($"Fused activation code {v} (TANH/SIGN_BIT) is not supported by ModelBuild's IR."),
    };
}
