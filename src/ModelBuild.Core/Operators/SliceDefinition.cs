using Google.FlatBuffers;
using ModelBuild.Core.Execution.Float;
using ModelBuild.Core.Execution.Int8;
using ModelBuild.Core.Graph;
using ModelBuild.Core.TfLite;
using static ModelBuild.Core.TfLite.TfLiteOptionsCodec;

namespace ModelBuild.Core.Operators;

/// <summary>
/// SLICE: inputs x, begin int32 [rank], size int32 [rank] (-1 = to the end of that dimension). A copy, so the int8
/// output keeps the input's parameters (TFLite's quantizer restricts it to the same scale).
/// </summary>
internal sealed class SliceDefinition : OperatorDefinition
{
    public override OpType Op => OpType.Slice;

    public override TfLiteBuiltinOperator Builtin => TfLiteBuiltinOperator.Slice;

    public override QuantizationRule Quantization => QuantizationRule.SameAsFirstInput;

    public override int[] InferOutputShape(Node node)
    {
        var x = node.Inputs[0]!.Shape;
        int[] begin = ShapeInference.ConstantInts(node, 1), size = ShapeInference.ConstantInts(node, 2);
        return x.Select((d, i) => size[i] == -1 ? d - begin[i] : size[i]).ToArray();
    }

    public override FloatKernel CreateFloatKernel(Node node)
    {
        var begin = ShapeInference.ConstantInts(node, 1);
        return (x, y) => SliceKernel.Copy(x.In(0), x.Shape(0), begin, y, x.OutShape);
    }

    public override Int8Kernel CreateInt8Kernel(Node node) => new Int8SliceKernel(node);

    public override int Version(Node node) => node.Inputs[0]!.Rank > 4 ? 5 : Int8Version2(node);

    public override string MinRuntimeVersion(int version) => version switch { 1 or 2 or 3 => "1.14.0", 4 => "2.4.0", 5 => "2.5.0", _ => "" };

    public override (TfLiteBuiltinOptionsType Type, int Offset) WriteOptions(FlatBufferBuilder b, Node node) =>
        (TfLiteBuiltinOptionsType.SliceOptions, Empty(b));
}
