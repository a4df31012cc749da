using ModelBuild.Core.Execution.Float;
using ModelBuild.Core.Execution.Int8;
using ModelBuild.Core.Graph;
using ModelBuild.Core.TfLite;

namespace ModelBuild.Core.Operators;

/// <summary>LOGISTIC and TANH: int8 through a 256-entry lookup table, with the output parameters TFLite requires.</summary>
internal abstract class LookupActivationDefinition : OperatorDefinition
{
    public override int[] InferOutputShape(Node node) => ShapeInference.SameAsInput(node);

    public override int Version(Node node) => Int8Version2(node);

    public override string MinRuntimeVersion(int version) => version is 1 or 2 ? "1.14.0" : "";
}

internal sealed class LogisticDefinition : LookupActivationDefinition
{
    public override OpType Op => OpType.Logistic;

    public override TfLiteBuiltinOperator Builtin => TfLiteBuiltinOperator.Logistic;

    public override QuantizationRule Quantization => QuantizationRule.Fixed(1f / 256, -128);

    public override FloatKernel CreateFloatKernel(Node node) => (x, y) => UnaryKernel.Logistic(x.In(0), y);

    public override Int8Kernel CreateInt8Kernel(Node node) => new Int8LookupTableKernel(node, Int8LookupTableKernel.Sigmoid);
}

internal sealed class TanhDefinition : LookupActivationDefinition
{
    public override OpType Op => OpType.Tanh;

    public override TfLiteBuiltinOperator Builtin => TfLiteBuiltinOperator.Tanh;

    public override QuantizationRule Quantization => QuantizationRule.Fixed(1f / 128, 0);

    public override FloatKernel CreateFloatKernel(Node node) => (x, y) => UnaryKernel.Tanh(x.In(0), y);

    public override Int8Kernel CreateInt8Kernel(Node node) => new Int8LookupTableKernel(node, MathF.Tanh);
}
