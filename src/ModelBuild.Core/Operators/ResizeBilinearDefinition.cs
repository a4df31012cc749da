using Google.FlatBuffers;
using ModelBuild.Core.Execution.Float;
using ModelBuild.Core.Execution.Int8;
using ModelBuild.Core.Graph;
using ModelBuild.Core.TfLite;
using S = ModelBuild.Core.TfLite.TfLiteSchema;

namespace ModelBuild.Core.Operators;

/// <summary>
/// RESIZE_BILINEAR: inputs x NHWC, size int32 [2]; a weighted mean of the input's own values, so the output
/// shares the input's parameters (TFLite's int8 kernel does not rescale). Keras' Resizing uses half-pixel centers.
/// </summary>
internal sealed class ResizeBilinearDefinition : OperatorDefinition
{
    public override OpType Op => OpType.ResizeBilinear;

    public override TfLiteBuiltinOperator Builtin => TfLiteBuiltinOperator.ResizeBilinear;

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
            ResizeBilinearKernel.Run(x.In(0), x.Batch, xs[1], xs[2], xs[3], y, ys[1], ys[2], o.AlignCorners, o.HalfPixelCenters);
        };
    }

    public override Int8Kernel CreateInt8Kernel(Node node) => new Int8ResizeBilinearKernel(node);

    public override int Version(Node node) => (node.Options as ResizeOptions)?.HalfPixelCenters == true ? 3 : Int8Version2(node);

    public override string MinRuntimeVersion(int version) => version switch { 1 => "1.7.0", 2 => "1.14.0", 3 => "2.2.0", _ => "" };

    public override (TfLiteBuiltinOptionsType Type, int Offset) WriteOptions(FlatBufferBuilder b, Node node)
    {
        var o = node.Options as ResizeOptions ?? new ResizeOptions();
        b.StartTable(S.ResizeBilinearOptions.FieldCount);
        b.AddBool(S.ResizeBilinearOptions.AlignCorners, o.AlignCorners, false);
        b.AddBool(S.ResizeBilinearOptions.HalfPixelCenters, o.HalfPixelCenters, false);
        return (TfLiteBuiltinOptionsType.ResizeBilinearOptions, b.EndTable());
    }

    public override OpOptions ReadOptions(TfLiteOptionsTable t, int[] outputShape) =>
        new ResizeOptions(t.Bool(S.ResizeBilinearOptions.AlignCorners), t.Bool(S.ResizeBilinearOptions.HalfPixelCenters));
}
