using Google.FlatBuffers;
using ModelBuild.Core.Execution.Float;
using ModelBuild.Core.Graph;
using ModelBuild.Core.TfLite;

namespace ModelBuild.Core.Operators;

/// <summary>
/// What the two TFLite resize operators share: inputs x NHWC and size int32 [2], an output of the input's parameters
/// (both int8 kernels only pick or mix input values), <see cref="ResizeOptions"/> as two booleans in the options
/// table. Each operator gives its kernels, versions and the options table's field numbers.
/// </summary>
internal abstract class ResizeDefinition : OperatorDefinition
{
    public override QuantizationRule Quantization => QuantizationRule.SameAsFirstInput;

    /// <summary>The options table: its type, field count, and the fields of align_corners and half_pixel_centers.</summary>
    protected abstract (TfLiteBuiltinOptionsType Type, int FieldCount, int AlignCorners, int HalfPixelCenters) OptionsTable { get; }

    /// <summary>The float kernel: x, batch, input height/width/channels, y, output height/width, the options.</summary>
    protected abstract void RunFloat(float[] x, int batch, int h, int w, int c, float[] y, int oh, int ow, ResizeOptions options);

    protected static ResizeOptions OptionsOf(Node node) => node.Options as ResizeOptions ?? new ResizeOptions();

    public override int[] InferOutputShape(Node node)
    {
        var x = node.Inputs[0]!.Shape;
        var size = ShapeInference.ConstantInts(node, 1);
        return [x[0], size[0], size[1], x[3]];
    }

    public override FloatKernel CreateFloatKernel(Node node)
    {
        var o = OptionsOf(node);
        return (x, y) =>
        {
            int[] xs = x.Shape(0), ys = x.OutShape;
            RunFloat(x.In(0), x.Batch, xs[1], xs[2], xs[3], y, ys[1], ys[2], o);
        };
    }

    public override (TfLiteBuiltinOptionsType Type, int Offset) WriteOptions(FlatBufferBuilder b, Node node)
    {
        var o = OptionsOf(node);
        var table = OptionsTable;
        b.StartTable(table.FieldCount);
        b.AddBool(table.AlignCorners, o.AlignCorners, false);
        b.AddBool(table.HalfPixelCenters, o.HalfPixelCenters, false);
        return (table.Type, b.EndTable());
    }

    public override OpOptions ReadOptions(TfLiteOptionsTable t, int[] outputShape) =>
        new ResizeOptions(t.Bool(OptionsTable.AlignCorners), t.Bool(OptionsTable.HalfPixelCenters));
}
