using Google.FlatBuffers;
using ModelBuild.Core.Execution.Float;
using ModelBuild.Core.Execution.Int8;
using ModelBuild.Core.Graph;
using ModelBuild.Core.TfLite;
using static ModelBuild.Core.TfLite.TfLiteOptionsCodec;
using S = ModelBuild.Core.TfLite.TfLiteSchema;

namespace ModelBuild.Core.Operators;

/// <summary>DEPTHWISE_CONV_2D: inputs x NHWC, weights 1HW(C*M), bias [C*M] (optional); per-channel weights along C*M.</summary>
internal sealed class DepthwiseConv2DDefinition : OperatorDefinition
{
    public override OpType Op => OpType.DepthwiseConv2D;

    public override TfLiteBuiltinOperator Builtin => TfLiteBuiltinOperator.DepthwiseConv2D;

    public override QuantizationRule Quantization => QuantizationRule.Weights(perChannelDim: 3);

    public override int[] InferOutputShape(Node node)
    {
        var o = node.OptionsAs<DepthwiseConv2DOptions>();
        int[] x = node.Inputs[0]!.Shape, w = node.Inputs[1]!.Shape;
        return [x[0], ShapeInference.Window(x[1], w[1], o.StrideH, o.DilationH, o.Padding), ShapeInference.Window(x[2], w[2], o.StrideW, o.DilationW, o.Padding), w[3]];
    }

    /// <summary>The node's kernel.</summary>
    internal static DepthwiseConv2DKernel Kernel(Node node)
    {
        var o = node.OptionsAs<DepthwiseConv2DOptions>();
        var w = node.Inputs[1]!;
        var cin = node.Inputs[0]!.Shape[3];
        return new DepthwiseConv2DKernel(w.FloatData, node.OptionalInput(2)?.FloatData, w.Shape[1], w.Shape[2], cin, w.Shape[3] / cin,
            o.StrideH, o.StrideW, o.DilationH, o.DilationW, o.Activation);
    }

    public override FloatKernel CreateFloatKernel(Node node)
    {
        var kernel = Kernel(node);
        return (x, y) =>
        {
            int[] xs = x.Shape(0), ys = x.OutShape;
            kernel.Run(x.In(0), x.Batch, xs[1], xs[2], y, ys[1], ys[2]);
        };
    }

    public override Int8Kernel CreateInt8Kernel(Node node) => new Int8DepthwiseConv2DKernel(node);

    public override int Version(Node node)
    {
        if (IsFullyInt8(node)) return 3;
        var o = node.OptionsAs<DepthwiseConv2DOptions>();
        return o.DilationH != 1 || o.DilationW != 1 ? 2 : 1;
    }

    public override string MinRuntimeVersion(int version) => version switch { 1 => "1.5.0", 2 => "1.12.0", 3 => "1.14.0", _ => "" };

    public override IReadOnlyList<Tensor?> TfLiteInputs(Node node) => ZeroBias.Ensure(node);

    public override (TfLiteBuiltinOptionsType Type, int Offset) WriteOptions(FlatBufferBuilder b, Node node)
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

    public override OpOptions ReadOptions(TfLiteOptionsTable t, int[] outputShape) =>
        new DepthwiseConv2DOptions(ToPadding(t.Byte(S.DepthwiseConv2DOptions.Padding)), t.Int(S.DepthwiseConv2DOptions.StrideH, 0),
            t.Int(S.DepthwiseConv2DOptions.StrideW, 0), t.Int(S.DepthwiseConv2DOptions.DepthMultiplier, 0),
            t.Int(S.DepthwiseConv2DOptions.DilationH, 1), t.Int(S.DepthwiseConv2DOptions.DilationW, 1),
            ToActivation(t.Byte(S.DepthwiseConv2DOptions.FusedActivation)));
}
