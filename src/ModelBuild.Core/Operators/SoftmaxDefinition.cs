using Google.FlatBuffers;
using ModelBuild.Core.Execution.Float;
using ModelBuild.Core.Execution.Int8;
using ModelBuild.Core.Graph;
using ModelBuild.Core.TfLite;
using S = ModelBuild.Core.TfLite.TfLiteSchema;

namespace ModelBuild.Core.Operators;

/// <summary>SOFTMAX over the last axis; TFLite's int8 kernel needs the output at 1/256, -128.</summary>
internal sealed class SoftmaxDefinition : OperatorDefinition
{
    public override OpType Op => OpType.Softmax;

    public override TfLiteBuiltinOperator Builtin => TfLiteBuiltinOperator.Softmax;

    public override QuantizationRule Quantization => QuantizationRule.Fixed(1f / 256, -128);

    public override int[] InferOutputShape(Node node) => ShapeInference.SameAsInput(node);

    public override FloatKernel CreateFloatKernel(Node node)
    {
        var beta = (node.Options as SoftmaxOptions)?.Beta ?? 1f;
        return (x, y) => UnaryKernel.Softmax(x.In(0), y, x.Shape(0)[^1], beta);
    }

    public override Int8Kernel CreateInt8Kernel(Node node) => new Int8SoftmaxKernel(node);

    public override int Version(Node node) => Int8Version2(node);

    public override string MinRuntimeVersion(int version) => version switch { 1 => "1.5.0", 2 => "1.14.0", _ => "" };

    public override (TfLiteBuiltinOptionsType Type, int Offset) WriteOptions(FlatBufferBuilder b, Node node)
    {
        var o = node.Options as SoftmaxOptions ?? new SoftmaxOptions();
        b.StartTable(S.SoftmaxOptions.FieldCount);
        b.AddFloat(S.SoftmaxOptions.Beta, o.Beta, 0);
        return (TfLiteBuiltinOptionsType.SoftmaxOptions, b.EndTable());
    }

    public override OpOptions ReadOptions(TfLiteOptionsTable t, int[] outputShape) => new SoftmaxOptions(t.Float(S.SoftmaxOptions.Beta, 0f));
}
