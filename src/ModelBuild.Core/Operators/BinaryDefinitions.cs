using Google.FlatBuffers;
using ModelBuild.Core.Execution.Float;
using ModelBuild.Core.Execution.Int8;
using ModelBuild.Core.Graph;
using ModelBuild.Core.TfLite;
using static ModelBuild.Core.TfLite.TfLiteOptionsCodec;
using S = ModelBuild.Core.TfLite.TfLiteSchema;

namespace ModelBuild.Core.Operators;

/// <summary>ADD, SUB, MUL, MAXIMUM, MINIMUM: inputs a, b, numpy broadcasting; ADD/SUB/MUL carry a fused activation.</summary>
internal abstract class BinaryDefinition<TOp> : OperatorDefinition where TOp : struct, BinaryKernel.IBinaryOp
{
    public override int[] InferOutputShape(Node node) => ShapeInference.Broadcast(node.Inputs[0]!.Shape, node.Inputs[1]!.Shape);

    public override FloatKernel CreateFloatKernel(Node node)
    {
        var activation = (node.Options as ElementwiseOptions)?.Activation ?? FusedActivation.None;
        return (x, y) => BinaryKernel.Run<TOp>(x.In(0), x.Shape(0), x.In(1), x.Shape(1), y, x.OutShape, activation);
    }

    public override int Version(Node node) => Int8Version2(node);

    protected static bool NeedsRank5Broadcast(Node node) =>
        node.Inputs.Count >= 2 && node.Inputs[0] is { } a && node.Inputs[1] is { } b && !a.Shape.SequenceEqual(b.Shape)
        && node.Inputs.Max(t => t?.Rank ?? 0) > 4;

    public override OpOptions? ReadOptions(TfLiteOptionsTable t, int[] outputShape) =>
        new ElementwiseOptions(ToActivation(t.Byte(S.ActivationOnlyOptions.FusedActivation)));
}

internal sealed class AddDefinition : BinaryDefinition<BinaryKernel.AddOp>
{
    public override OpType Op => OpType.Add;

    public override TfLiteBuiltinOperator Builtin => TfLiteBuiltinOperator.Add;

    public override Int8Kernel CreateInt8Kernel(Node node) => new Int8AddSubKernel(node, subtract: false);

    public override string MinRuntimeVersion(int version) => version switch { 1 => "1.5.0", 2 => "1.14.0", _ => "" };

    public override (TfLiteBuiltinOptionsType Type, int Offset) WriteOptions(FlatBufferBuilder b, Node node) =>
        (TfLiteBuiltinOptionsType.AddOptions, ActivationOnly(b, node));
}

internal sealed class SubDefinition : BinaryDefinition<BinaryKernel.SubOp>
{
    public override OpType Op => OpType.Sub;

    public override TfLiteBuiltinOperator Builtin => TfLiteBuiltinOperator.Sub;

    public override Int8Kernel CreateInt8Kernel(Node node) => new Int8AddSubKernel(node, subtract: true);

    public override int Version(Node node) => NeedsRank5Broadcast(node) ? 3 : Int8Version2(node);

    public override string MinRuntimeVersion(int version) => version switch { 1 => "1.6.0", 2 => "1.14.0", 3 => "2.3.0", _ => "" };

    public override (TfLiteBuiltinOptionsType Type, int Offset) WriteOptions(FlatBufferBuilder b, Node node) =>
        (TfLiteBuiltinOptionsType.SubOptions, ActivationOnly(b, node));
}

internal sealed class MulDefinition : BinaryDefinition<BinaryKernel.MulOp>
{
    public override OpType Op => OpType.Mul;

    public override TfLiteBuiltinOperator Builtin => TfLiteBuiltinOperator.Mul;

    public override Int8Kernel CreateInt8Kernel(Node node) => new Int8MulKernel(node);

    public override int Version(Node node) => IsInt8(node) && RescaleAtLeastOne(node) ? 3 : Int8Version2(node);

    public override string MinRuntimeVersion(int version) => version switch { 1 => "1.5.0", 2 => "1.14.0", 3 => "1.15.0", _ => "" };

    public override (TfLiteBuiltinOptionsType Type, int Offset) WriteOptions(FlatBufferBuilder b, Node node) =>
        (TfLiteBuiltinOptionsType.MulOptions, ActivationOnly(b, node));

    private static bool RescaleAtLeastOne(Node node)
    {
        var s1 = node.Inputs[0]?.Quant?.Scale[0] ?? 0;
        var s2 = node.Inputs[1]?.Quant?.Scale[0] ?? 0;
        var so = node.Outputs[0].Quant?.Scale[0] ?? 0;
        return s1 != 0 && s2 != 0 && so != 0 && s1 * s2 / so >= 1.0;
    }
}

/// <summary>MAXIMUM and MINIMUM: no rescaling in int8, so inputs and output share parameters.</summary>
internal abstract class MinMaxDefinition<TOp> : BinaryDefinition<TOp> where TOp : struct, BinaryKernel.IBinaryOp
{
    public override QuantizationRule Quantization => QuantizationRule.SameAsAllInputs;

    public override int Version(Node node) => NeedsRank5Broadcast(node) ? 3 : Int8Version2(node);

    public override string MinRuntimeVersion(int version) => version switch { 1 or 2 => "1.14.0", 3 => "2.3.0", _ => "" };

    public override (TfLiteBuiltinOptionsType Type, int Offset) WriteOptions(FlatBufferBuilder b, Node node) =>
        (TfLiteBuiltinOptionsType.MaximumMinimumOptions, Empty(b));

    public override OpOptions? ReadOptions(TfLiteOptionsTable t, int[] outputShape) => null;
}

internal sealed class MaximumDefinition : MinMaxDefinition<BinaryKernel.MaxOp>
{
    public override OpType Op => OpType.Maximum;

    public override TfLiteBuiltinOperator Builtin => TfLiteBuiltinOperator.Maximum;

    public override Int8Kernel CreateInt8Kernel(Node node) => new Int8MinMaxKernel(node, max: true);
}

internal sealed class MinimumDefinition : MinMaxDefinition<BinaryKernel.MinOp>
{
    public override OpType Op => OpType.Minimum;

    public override TfLiteBuiltinOperator Builtin => TfLiteBuiltinOperator.Minimum;

    public override Int8Kernel CreateInt8Kernel(Node node) => new Int8MinMaxKernel(node, max: false);
}
