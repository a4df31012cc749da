using Google.FlatBuffers;
using ModelBuild.Core.Execution.Int8;
using ModelBuild.Core.Graph;
using ModelBuild.Core.TfLite;
using static ModelBuild.Core.TfLite.TfLiteOptionsCodec;

namespace ModelBuild.Core.Operators;

/// <summary>QUANTIZE and DEQUANTIZE: the boundaries of a quantized graph; read from files, never made by the quantizer.</summary>
internal abstract class QuantizeBoundaryDefinition : OperatorDefinition
{
    public override QuantizationRule? Quantization => null;

    public override int[] InferOutputShape(Node node) => ShapeInference.SameAsInput(node);

    public override FloatKernel CreateFloatKernel(Node node) =>
        (_, _) => throw new NotSupportedException($"FloatExecutor cannot run {node.Op} (node '{node.Name}').");
}

/// <summary>QUANTIZE: float or int8 in, int8 out; the int8 executor runs int8 → int8 requantization.</summary>
internal sealed class QuantizeDefinition : QuantizeBoundaryDefinition
{
    public override OpType Op => OpType.Quantize;

    public override TfLiteBuiltinOperator Builtin => TfLiteBuiltinOperator.Quantize;

    public override Int8Kernel CreateInt8Kernel(Node node) => new Int8RequantizeKernel(node);

    public override int Version(Node node) => node.Outputs[0].Quant is { IsPerChannel: true } ? 3 : 1;

    public override string MinRuntimeVersion(int version) => version switch { 1 => "1.14.0", 3 => "2.7.0", _ => "" };

    public override (TfLiteBuiltinOptionsType Type, int Offset) WriteOptions(FlatBufferBuilder b, Node node) =>
        (TfLiteBuiltinOptionsType.QuantizeOptions, Empty(b));
}

/// <summary>DEQUANTIZE: int8 in, float out; the Edge TPU runs only 8-bit tensors, so it stays on the CPU.</summary>
internal sealed class DequantizeDefinition : QuantizeBoundaryDefinition
{
    public override OpType Op => OpType.Dequantize;

    public override TfLiteBuiltinOperator Builtin => TfLiteBuiltinOperator.Dequantize;

    public override bool EdgeTpuCpuOnly => true;

    public override int Version(Node node)
    {
        if (IsInt8(node) && node.Inputs[0]!.Quant is { IsPerChannel: true }) return 5;
        return Int8Version2(node);
    }

    public override string MinRuntimeVersion(int version) => version switch { 1 => "1.13.1", 2 => "1.14.0", 5 => "2.7.0", _ => "" };

    public override (TfLiteBuiltinOptionsType Type, int Offset) WriteOptions(FlatBufferBuilder b, Node node) =>
        (TfLiteBuiltinOptionsType.DequantizeOptions, Empty(b));
}
