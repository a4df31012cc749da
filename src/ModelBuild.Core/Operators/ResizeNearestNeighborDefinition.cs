using Google.FlatBuffers;
using ModelBuild.Core.Execution.Float;
using ModelBuild.Core.Execution.Int8;
using ModelBuild.Core.Graph;
using ModelBuild.Core.TfLite;
using S = ModelBuild.Core.TfLite.TfLiteSchema;

namespace ModelBuild.Core.Operators;

/// <summary>RESIZE_NEAREST_NEIGHBOR: inputs x NHWC, size int32 [2]; output shares the input's parameters.</summary>
internal sealed class ResizeNearestNeighborDefinition : OperatorDefinition
{
    public override OpType Op => OpType.ResizeNearestNeighbor;

    public override TfLiteBuiltinOperator Builtin => TfLiteBuiltinOperator.ResizeNearestNeighbor;

    public override QuantizationRule Quantization => QuantizationRule.SameAsFirstInput;

    public override int[] InferOutputShape(Node node)
    {
        var x = node.Inputs[0]!.Shape;
        var size = ShapeInference.ConstantInts(node, 1);
        return [x[0], size[0], size[1], x[3]];
    }

    public override FloatKernel CreateFloatKernel(Node node)
    {
        var o = node.Options as ResizeOptions ?? new ResizeOptions();
        return (x, y) =>
        {
            int[] xs = x.Shape(0), ys = x.OutShape;
            LayoutKernels.ResizeNearest(x.In(0), x.Batch, xs[1], xs[2], xs[3], y, ys[1], ys[2], o.AlignCorners, o.HalfPixelCenters);
        };
    }

    public override Int8Kernel CreateInt8Kernel(Node node) => new Int8ResizeNearestKernel(node);

    public override int Version(Node node)
    {
        var o = node.Options as ResizeOptions ?? new ResizeOptions();
        return o.AlignCorners || o.HalfPixelCenters ? 3 : Int8Version2(node);
    }

    public override string MinRuntimeVersion(int version) => version switch { 1 => "1.13.1", 2 => "1.14.0", 3 => "2.3.0", _ => "" };

    public override (TfLiteBuiltinOptionsType Type, int Offset) WriteOptions(FlatBufferBuilder b, Node node)
    {
        var o = node.Options as ResizeOptions ?? new ResizeOptions();
        b.StartTable(S.ResizeNearestNeighborOptions.FieldCount);
        b.AddBool(S.ResizeNearestNeighborOptions.AlignCorners, o.AlignCorners, false);
        b.AddBool(S.ResizeNearestNeighborOptions.HalfPixelCenters, o.HalfPixelCenters, false);
        return (TfLiteBuiltinOptionsType.ResizeNearestNeighborOptions, b.EndTable());
    }

    public override OpOptions ReadOptions(TfLiteOptionsTable t, int[] outputShape) =>
        new ResizeOptions(t.Bool(S.ResizeNearestNeighborOptions.AlignCorners), t.Bool(S.ResizeNearestNeighborOptions.HalfPixelCenters));
}
