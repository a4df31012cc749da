using Google.FlatBuffers;
using ModelBuild.Core.Execution.Int8;
using ModelBuild.Core.Graph;
using ModelBuild.Core.TfLite;
using static ModelBuild.Core.TfLite.TfLiteOptionsCodec;
using S = ModelBuild.Core.TfLite.TfLiteSchema;

namespace ModelBuild.Core.Operators;

/// <summary>RESHAPE: inputs x, shape int32 [n] (also in the options); a -1 takes the remaining size.</summary>
internal sealed class ReshapeDefinition : OperatorDefinition
{
    public override OpType Op => OpType.Reshape;

    public override TfLiteBuiltinOperator Builtin => TfLiteBuiltinOperator.Reshape;

    public override QuantizationRule Quantization => QuantizationRule.SameAsFirstInput;

    public override int[] InferOutputShape(Node node)
    {
        var target = (int[])((node.Options as ReshapeOptions)?.NewShape ?? ShapeInference.ConstantInts(node, 1)).Clone();
        long known = target.Where(d => d != -1).Aggregate(1L, (a, d) => a * d);
        for (int i = 0; i < target.Length; i++)
            if (target[i] == -1) target[i] = (int)(node.Inputs[0]!.ElementCount / known);
        return target;
    }

    public override FloatKernel CreateFloatKernel(Node node) => (x, y) => Array.Copy(x.In(0), y, y.Length);

    public override Int8Kernel CreateInt8Kernel(Node node) => new Int8ReshapeKernel(node);

    public override int Version(Node node) => 1;

    public override string MinRuntimeVersion(int version) => version == 1 ? "1.5.0" : "";

    public override (TfLiteBuiltinOptionsType Type, int Offset) WriteOptions(FlatBufferBuilder b, Node node)
    {
        var newShape = (node.Options as ReshapeOptions)?.NewShape ?? node.Outputs[0].Shape;
        var vec = IntVector(b, newShape);
        b.StartTable(S.ReshapeOptions.FieldCount);
        b.AddOffset(S.ReshapeOptions.NewShape, vec, 0);
        return (TfLiteBuiltinOptionsType.ReshapeOptions, b.EndTable());
    }

    public override OpOptions ReadOptions(TfLiteOptionsTable t, int[] outputShape) =>
        new ReshapeOptions(t.IntVector(S.ReshapeOptions.NewShape) ?? outputShape);
}
