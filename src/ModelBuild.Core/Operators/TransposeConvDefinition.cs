using Google.FlatBuffers;
using ModelBuild.Core.Execution.Float;
using ModelBuild.Core.Execution.Int8;
using ModelBuild.Core.Graph;
using ModelBuild.Core.TfLite;
using static ModelBuild.Core.TfLite.TfLiteOptionsCodec;
using S = ModelBuild.Core.TfLite.TfLiteSchema;

namespace ModelBuild.Core.Operators;

/// <summary>
/// TRANSPOSE_CONV. The IR keeps the weighted-op order x, weights OHWI, bias [O] (optional), output_shape int32 [4]
/// (so the quantizer treats it like CONV_2D: per-channel weights along O, int32 bias); TFLite 2.9 reads
/// output_shape, weights, x and, from version 3, the bias as a fourth input.
/// </summary>
internal sealed class TransposeConvDefinition : OperatorDefinition
{
    public override OpType Op => OpType.TransposeConv;

    public override TfLiteBuiltinOperator Builtin => TfLiteBuiltinOperator.TransposeConv;

    public override QuantizationRule Quantization => QuantizationRule.Weights(perChannelDim: 0);

    public override int[] InferOutputShape(Node node) => ShapeInference.ConstantInts(node, 3);

    public override FloatKernel CreateFloatKernel(Node node)
    {
        var o = node.OptionsAs<TransposeConvOptions>();
        var w = node.Inputs[1]!;
        var bias = node.Inputs[2]?.FloatData;
        return (x, y) =>
        {
            int[] xs = x.Shape(0), ys = x.OutShape;
            TransposeConvKernel.Run(x.In(0), x.Batch, xs[1], xs[2], xs[3], w.FloatData, bias, w.Shape[1], w.Shape[2], o, y, ys[1], ys[2], ys[3]);
        };
    }

    public override Int8Kernel CreateInt8Kernel(Node node) => new Int8TransposeConvKernel(node);

    public override int Version(Node node) => node.Inputs[2] is not null ? 3 : node.Inputs[1]?.Type == DataType.Int8 ? 2 : 1;

    public override string MinRuntimeVersion(int version) => version switch { 1 => "1.9.0", 2 => "2.2.0", 3 => "2.3.0", _ => "" };

    public override IReadOnlyList<Tensor?> TfLiteInputs(Node node) =>
        node.Inputs[2] is null ? [node.Inputs[3], node.Inputs[1], node.Inputs[0]] : [node.Inputs[3], node.Inputs[1], node.Inputs[0], node.Inputs[2]];

    public override IReadOnlyList<Tensor?> FromTfLiteInputs(IReadOnlyList<Tensor?> inputs) =>
        [inputs[2], inputs[1], inputs.Count > 3 ? inputs[3] : null, inputs[0]];

    public override (TfLiteBuiltinOptionsType Type, int Offset) WriteOptions(FlatBufferBuilder b, Node node)
    {
        var o = node.OptionsAs<TransposeConvOptions>();
        b.StartTable(S.TransposeConvOptions.FieldCount);
        b.AddSbyte(S.TransposeConvOptions.Padding, PaddingCode(o.Padding), 0);
        b.AddInt(S.TransposeConvOptions.StrideW, o.StrideW, 0);
        b.AddInt(S.TransposeConvOptions.StrideH, o.StrideH, 0);
        return (TfLiteBuiltinOptionsType.TransposeConvOptions, b.EndTable());
    }

    public override OpOptions ReadOptions(TfLiteOptionsTable t, int[] outputShape) =>
        new TransposeConvOptions(ToPadding(t.Byte(S.TransposeConvOptions.Padding)), t.Int(S.TransposeConvOptions.StrideH, 0), t.Int(S.TransposeConvOptions.StrideW, 0));
}
