using Google.FlatBuffers;
using ModelBuild.Core.Execution.Float;
using ModelBuild.Core.Execution.Int8;
using ModelBuild.Core.Graph;
using ModelBuild.Core.TfLite;
using S = ModelBuild.Core.TfLite.TfLiteSchema;

namespace ModelBuild.Core.Operators;

/// <summary>MEAN and REDUCE_MAX: inputs x, axes int32 [n]; keep_dims keeps the reduced axes as 1.</summary>
internal abstract class ReduceDefinition(bool max) : OperatorDefinition
{
    public override int[] InferOutputShape(Node node)
    {
        var x = node.Inputs[0]!.Shape;
        var axes = ShapeInference.ConstantInts(node, 1).Select(a => a < 0 ? a + x.Length : a).ToHashSet();
        bool keep = node.OptionsAs<ReducerOptions>().KeepDims;
        return x.Select((d, i) => (d, i)).Where(p => keep || !axes.Contains(p.i)).Select(p => axes.Contains(p.i) ? 1 : p.d).ToArray();
    }

    public override FloatKernel CreateFloatKernel(Node node)
    {
        var axes = node.Inputs[1]!.Int32Data;
        return (x, y) => PoolKernel.Reduce(max, x.In(0), x.Shape(0), axes, y);
    }

    public override int Version(Node node) => Int8Version2(node);

    public override (TfLiteBuiltinOptionsType Type, int Offset) WriteOptions(FlatBufferBuilder b, Node node)
    {
        var o = node.OptionsAs<ReducerOptions>();
        b.StartTable(S.ReducerOptions.FieldCount);
        b.AddBool(S.ReducerOptions.KeepDims, o.KeepDims, false);
        return (TfLiteBuiltinOptionsType.ReducerOptions, b.EndTable());
    }

    public override OpOptions ReadOptions(TfLiteOptionsTable t, int[] outputShape) => new ReducerOptions(t.Bool(S.ReducerOptions.KeepDims));
}

internal sealed class MeanDefinition() : ReduceDefinition(max: false)
{
    public override OpType Op => OpType.Mean;

    public override TfLiteBuiltinOperator Builtin => TfLiteBuiltinOperator.Mean;

    public override Int8Kernel CreateInt8Kernel(Node node) => new Int8MeanKernel(node);

    public override string MinRuntimeVersion(int version) => version switch { 1 => "1.6.0", 2 => "1.14.0", _ => "" };
}

/// <summary>REDUCE_MAX picks an input value, so its output shares the input's parameters.</summary>
internal sealed class ReduceMaxDefinition() : ReduceDefinition(max: true)
{
    public override OpType Op => OpType.ReduceMax;

    public override TfLiteBuiltinOperator Builtin => TfLiteBuiltinOperator.ReduceMax;

    public override QuantizationRule Quantization => QuantizationRule.SameAsFirstInput;

    public override Int8Kernel CreateInt8Kernel(Node node) => new Int8ReduceMaxKernel(node);

    public override string MinRuntimeVersion(int version) => version switch { 1 => "1.11.0", 2 => "1.14.0", _ => "" };
}
