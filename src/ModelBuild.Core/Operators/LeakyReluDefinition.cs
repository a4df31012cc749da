using Google.FlatBuffers;
using ModelBuild.Core.Execution.Float;
using ModelBuild.Core.Execution.Int8;
using ModelBuild.Core.Graph;
using ModelBuild.Core.TfLite;
using S = ModelBuild.Core.TfLite.TfLiteSchema;

namespace ModelBuild.Core.Operators;

/// <summary>LEAKY_RELU: x or alpha·x. Not in Coral's supported-operations table: the Edge TPU leaves it to the CPU.</summary>
internal sealed class LeakyReluDefinition : OperatorDefinition
{
    public override OpType Op => OpType.LeakyRelu;

    public override TfLiteBuiltinOperator Builtin => TfLiteBuiltinOperator.LeakyRelu;

    public override bool EdgeTpuCpuOnly => true;

    public override int[] InferOutputShape(Node node) => ShapeInference.SameAsInput(node);

    public override FloatKernel CreateFloatKernel(Node node)
    {
        var alpha = node.OptionsAs<LeakyReluOptions>().Alpha;
        return (x, y) => UnaryKernel.LeakyRelu(x.In(0), y, alpha);
    }

    public override Int8Kernel CreateInt8Kernel(Node node) => new Int8LeakyReluKernel(node);

    public override int Version(Node node) => 1;

    public override string MinRuntimeVersion(int version) => version == 1 ? "1.13.1" : "";

    public override (TfLiteBuiltinOptionsType Type, int Offset) WriteOptions(FlatBufferBuilder b, Node node)
    {
        var o = node.OptionsAs<LeakyReluOptions>();
        b.StartTable(S.LeakyReluOptions.FieldCount);
        b.AddFloat(S.LeakyReluOptions.Alpha, o.Alpha, 0);
        return (TfLiteBuiltinOptionsType.LeakyReluOptions, b.EndTable());
    }

    public override OpOptions ReadOptions(TfLiteOptionsTable t, int[] outputShape) => new LeakyReluOptions(t.Float(S.LeakyReluOptions.Alpha, 0f));
}
