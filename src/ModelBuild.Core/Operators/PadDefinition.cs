using Google.FlatBuffers;
using ModelBuild.Core.Execution.Float;
using ModelBuild.Core.Execution.Int8;
using ModelBuild.Core.Graph;
using ModelBuild.Core.TfLite;
using static ModelBuild.Core.TfLite.TfLiteOptionsCodec;

namespace ModelBuild.Core.Operators;

/// <summary>PAD: inputs x, paddings int32 [rank, 2]; pads with (quantized) zero; output shares the input's parameters.</summary>
internal sealed class PadDefinition : OperatorDefinition
{
    public override OpType Op => OpType.Pad;

    public override TfLiteBuiltinOperator Builtin => TfLiteBuiltinOperator.Pad;

    public override QuantizationRule Quantization => QuantizationRule.SameAsFirstInput;

    public override int[] InferOutputShape(Node node)
    {
        var x = node.Inputs[0]!.Shape;
        var p = ShapeInference.ConstantInts(node, 1);
        return x.Select((d, i) => d + p[2 * i] + p[2 * i + 1]).ToArray();
    }

    public override FloatKernel CreateFloatKernel(Node node)
    {
        var paddings = node.Inputs[1]!.Int32Data;
        return (x, y) => LayoutKernels.Pad(x.In(0), x.Shape(0), paddings, y, x.OutShape);
    }

    public override Int8Kernel CreateInt8Kernel(Node node) => new Int8PadKernel(node);

    public override int Version(Node node) => node.Inputs[0]!.Rank > 4 ? 4 : Int8Version2(node);

    public override string MinRuntimeVersion(int version) => version switch { 1 => "1.5.0", 2 => "1.14.0", 4 => "2.6.0", _ => "" };

    public override (TfLiteBuiltinOptionsType Type, int Offset) WriteOptions(FlatBufferBuilder b, Node node) =>
        (TfLiteBuiltinOptionsType.PadOptions, Empty(b));
}
