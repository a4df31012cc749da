using Google.FlatBuffers;
using ModelBuild.Core.Execution.Float;
using ModelBuild.Core.Execution.Int8;
using ModelBuild.Core.Graph;
using ModelBuild.Core.TfLite;
using static ModelBuild.Core.TfLite.TfLiteOptionsCodec;

namespace ModelBuild.Core.Operators;

/// <summary>HARD_SWISH: x·relu6(x+3)/6. Not in Coral's supported-operations table: the Edge TPU leaves it to the CPU.</summary>
internal sealed class HardSwishDefinition : OperatorDefinition
{
    public override OpType Op => OpType.HardSwish;

    public override TfLiteBuiltinOperator Builtin => TfLiteBuiltinOperator.HardSwish;

    public override bool EdgeTpuCpuOnly => true;

    public override int[] InferOutputShape(Node node) => ShapeInference.SameAsInput(node);

    public override FloatKernel CreateFloatKernel(Node node) => (x, y) => UnaryKernel.HardSwish(x.In(0), y);

    public override Int8Kernel CreateInt8Kernel(Node node) => new Int8HardSwishKernel(node);

    public override int Version(Node node) => 1;

    public override string MinRuntimeVersion(int version) => version == 1 ? "1.15.0" : "";

    public override (TfLiteBuiltinOptionsType Type, int Offset) WriteOptions(FlatBufferBuilder b, Node node) =>
        (TfLiteBuiltinOptionsType.HardSwishOptions, Empty(b));
}
