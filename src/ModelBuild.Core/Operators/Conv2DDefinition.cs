using Google.FlatBuffers;
using ModelBuild.Core.Execution.Float;
using ModelBuild.Core.Execution.Int8;
using ModelBuild.Core.Graph;
using ModelBuild.Core.TfLite;
using static ModelBuild.Core.TfLite.TfLiteOptionsCodec;
using S = ModelBuild.Core.TfLite.TfLiteSchema;

namespace ModelBuild.Core.Operators;

/// <summary>CONV_2D: inputs x NHWC, weights OHWI, bias [O] (optional); per-channel weights along O.</summary>
internal sealed class Conv2DDefinition : OperatorDefinition
{
    public override OpType Op => OpType.Conv2D;

    public override TfLiteBuiltinOperator Builtin => TfLiteBuiltinOperator.Conv2D;

    public override QuantizationRule Quantization => QuantizationRule.Weights(perChannelDim: 0);

    public override int[] InferOutputShape(Node node)
    {
        var o = node.OptionsAs<Conv2DOptions>();
        int[] x = node.Inputs[0]!.Shape, w = node.Inputs[1]!.Shape;
        return [x[0], ShapeInference.Window(x[1], w[1], o.StrideH, o.DilationH, o.Padding), ShapeInference.Window(x[2], w[2], o.StrideW, o.DilationW, o.Padding), w[0]];
    }

    public override FloatKernel CreateFloatKernel(Node node)
    {
        var o = node.OptionsAs<Conv2DOptions>();
        var w = node.Inputs[1]!;
        var bias = node.OptionalInput(2)?.FloatData;
        int cout = w.Shape[0], kh = w.Shape[1], kw = w.Shape[2], cin = w.Shape[3];
        Action<float[], int, int, int, float[], int, int> run = WinogradConv2DKernel.Applies(kh, kw, cin, cout, o.StrideH, o.StrideW, o.DilationH, o.DilationW, node.Outputs[0].Shape[1], node.Outputs[0].Shape[2])
            ? new WinogradConv2DKernel(w.FloatData, bias, cout, cin, o.Activation).Run
            : GemmKernel(node).Run;
        return (x, y) =>
        {
            int[] xs = x.Shape(0), ys = x.OutShape;
            run(x.In(0), x.Batch, xs[1], xs[2], y, ys[1], ys[2]);
        };
    }

    /// <summary>The node's GEMM kernel (any shape; <see cref="CreateFloatKernel"/> takes Winograd for some 3×3 layers instead).</summary>
    internal static Conv2DKernel GemmKernel(Node node)
    {
        var o = node.OptionsAs<Conv2DOptions>();
        var w = node.Inputs[1]!;
        return new Conv2DKernel(w.FloatData, node.OptionalInput(2)?.FloatData, w.Shape[0], w.Shape[1], w.Shape[2], w.Shape[3], o.StrideH, o.StrideW, o.DilationH, o.DilationW, o.Padding, o.Activation);
    }

    public override Int8Kernel CreateInt8Kernel(Node node) => new Int8Conv2DKernel(node);

    public override int Version(Node node) => IsFullyInt8(node) ? 3 : 1;

    public override string MinRuntimeVersion(int version) => version switch { 1 => "1.5.0", 3 => "1.14.0", _ => "" };

    public override IReadOnlyList<Tensor?> TfLiteInputs(Node node) => ZeroBias.Ensure(node);

    public override (TfLiteBuiltinOptionsType Type, int Offset) WriteOptions(FlatBufferBuilder b, Node node)
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

    public override OpOptions ReadOptions(TfLiteOptionsTable t, int[] outputShape) =>
        new Conv2DOptions(ToPadding(t.Byte(S.Conv2DOptions.Padding)), t.Int(S.Conv2DOptions.StrideH, 0), t.Int(S.Conv2DOptions.StrideW, 0),
            t.Int(S.Conv2DOptions.DilationH, 1), t.Int(S.Conv2DOptions.DilationW, 1), ToActivation(t.Byte(S.Conv2DOptions.FusedActivation)));
}
