using Google.FlatBuffers;
using ModelBuild.Core.Execution.Float;
using ModelBuild.Core.Execution.Int8;
using ModelBuild.Core.Graph;
using ModelBuild.Core.TfLite;
using static ModelBuild.Core.TfLite.TfLiteOptionsCodec;
using S = ModelBuild.Core.TfLite.TfLiteSchema;

namespace ModelBuild.Core.Operators;

/// <summary>MAX_POOL_2D and AVERAGE_POOL_2D over NHWC windows; output shares the input's parameters.</summary>
internal abstract class Pool2DDefinition(bool max) : OperatorDefinition
{
    public override QuantizationRule Quantization => QuantizationRule.SameAsFirstInput;

    public override int[] InferOutputShape(Node node)
    {
        var o = node.OptionsAs<Pool2DOptions>();
        var x = node.Inputs[0]!.Shape;
        return [x[0], ShapeInference.Window(x[1], o.FilterH, o.StrideH, 1, o.Padding), ShapeInference.Window(x[2], o.FilterW, o.StrideW, 1, o.Padding), x[3]];
    }

    public override FloatKernel CreateFloatKernel(Node node)
    {
        var o = node.OptionsAs<Pool2DOptions>();
        return (x, y) =>
        {
            int[] xs = x.Shape(0), ys = x.OutShape;
            PoolKernel.Run(max, o, x.In(0), x.Batch, xs[1], xs[2], xs[3], y, ys[1], ys[2]);
        };
    }

    public override Int8Kernel CreateInt8Kernel(Node node) => new Int8PoolKernel(node, average: !max);

    public override int Version(Node node) => Int8Version2(node);

    public override string MinRuntimeVersion(int version) => version switch { 1 => "1.5.0", 2 => "1.14.0", _ => "" };

    public override (TfLiteBuiltinOptionsType Type, int Offset) WriteOptions(FlatBufferBuilder b, Node node)
    {
        var o = node.OptionsAs<Pool2DOptions>();
        b.StartTable(S.Pool2DOptions.FieldCount);
        b.AddSbyte(S.Pool2DOptions.Padding, PaddingCode(o.Padding), 0);
        b.AddInt(S.Pool2DOptions.StrideW, o.StrideW, 0);
        b.AddInt(S.Pool2DOptions.StrideH, o.StrideH, 0);
        b.AddInt(S.Pool2DOptions.FilterWidth, o.FilterW, 0);
        b.AddInt(S.Pool2DOptions.FilterHeight, o.FilterH, 0);
        b.AddSbyte(S.Pool2DOptions.FusedActivation, ActivationCode(o.Activation), 0);
        return (TfLiteBuiltinOptionsType.Pool2DOptions, b.EndTable());
    }

    public override OpOptions ReadOptions(TfLiteOptionsTable t, int[] outputShape) =>
        new Pool2DOptions(ToPadding(t.Byte(S.Pool2DOptions.Padding)), t.Int(S.Pool2DOptions.StrideH, 0), t.Int(S.Pool2DOptions.StrideW, 0),
            t.Int(S.Pool2DOptions.FilterHeight, 0), t.Int(S.Pool2DOptions.FilterWidth, 0), ToActivation(t.Byte(S.Pool2DOptions.FusedActivation)));
}

internal sealed class MaxPool2DDefinition() : Pool2DDefinition(max: true)
{
    public override OpType Op => OpType.MaxPool2D;

    public override TfLiteBuiltinOperator Builtin => TfLiteBuiltinOperator.MaxPool2D;
}

internal sealed class AveragePool2DDefinition() : Pool2DDefinition(max: false)
{
    public override OpType Op => OpType.AveragePool2D;

    public override TfLiteBuiltinOperator Builtin => TfLiteBuiltinOperator.AveragePool2D;
}
