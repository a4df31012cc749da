using ModelBuild.Core.Execution.Float;
using ModelBuild.Core.Execution.Int8;
using ModelBuild.Core.Graph;
using ModelBuild.Core.TfLite;

namespace ModelBuild.Core.Operators;

/// <summary>RELU, RELU6, RELU_N1_TO_1: a clamp; no options.</summary>
internal abstract class ReluDefinition(float lo, float hi) : OperatorDefinition
{
    public override int[] InferOutputShape(Node node) => ShapeInference.SameAsInput(node);

    public override FloatKernel CreateFloatKernel(Node node) => (x, y) => UnaryKernel.Clamp(x.In(0), y, lo, hi);

    public override Int8Kernel CreateInt8Kernel(Node node) => new Int8ReluKernel(node, lo, hi);
}

internal sealed class PlainReluDefinition() : ReluDefinition(0f, float.PositiveInfinity)
{
    public override OpType Op => OpType.Relu;

    public override TfLiteBuiltinOperator Builtin => TfLiteBuiltinOperator.Relu;

    public override FloatKernel CreateFloatKernel(Node node) => (x, y) => UnaryKernel.Relu(x.In(0), y);

    public override int Version(Node node) => Int8Version2(node);

    public override string MinRuntimeVersion(int version) => version switch { 1 => "1.5.0", 2 => "2.1.0", _ => "" };
}

internal sealed class Relu6Definition() : ReluDefinition(0f, 6f)
{
    public override OpType Op => OpType.Relu6;

    public override TfLiteBuiltinOperator Builtin => TfLiteBuiltinOperator.Relu6;

    public override int Version(Node node) => Int8Version2(node);

    public override string MinRuntimeVersion(int version) => version switch { 1 => "1.5.0", 2 => "1.14.0", _ => "" };
}

internal sealed class ReluN1To1Definition() : ReluDefinition(-1f, 1f)
{
    public override OpType Op => OpType.ReluN1To1;

    public override TfLiteBuiltinOperator Builtin => TfLiteBuiltinOperator.ReluN1To1;

    public override int Version(Node node) => 1;

    public override string MinRuntimeVersion(int version) => version == 1 ? "1.5.0" : "";
}
