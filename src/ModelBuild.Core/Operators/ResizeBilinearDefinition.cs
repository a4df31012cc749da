using ModelBuild.Core.Execution.Float;
using ModelBuild.Core.Execution.Int8;
using ModelBuild.Core.Graph;
using ModelBuild.Core.TfLite;
using S = ModelBuild.Core.TfLite.TfLiteSchema;

namespace ModelBuild.Core.Operators;

/// <summary>
/// RESIZE_BILINEAR: a weighted mean of the input's own values, so the output shares the input's parameters (TFLite's
/// int8 kernel does not rescale). Keras' Resizing uses half-pixel centers.
/// </summary>
internal sealed class ResizeBilinearDefinition : ResizeDefinition
{
    public override OpType Op => OpType.ResizeBilinear;

    public override TfLiteBuiltinOperator Builtin => TfLiteBuiltinOperator.ResizeBilinear;

    protected override (TfLiteBuiltinOptionsType Type, int FieldCount, int AlignCorners, int HalfPixelCenters) OptionsTable =>
        (TfLiteBuiltinOptionsType.ResizeBilinearOptions, S.ResizeBilinearOptions.FieldCount, S.ResizeBilinearOptions.AlignCorners, S.ResizeBilinearOptions.HalfPixelCenters);

    protected override void RunFloat(float[] x, int batch, int h, int w, int c, float[] y, int oh, int ow, ResizeOptions o) =>
        ResizeBilinearKernel.Run(x, batch, h, w, c, y, oh, ow, o.AlignCorners, o.HalfPixelCenters);

    public override Int8Kernel CreateInt8Kernel(Node node) => new Int8ResizeBilinearKernel(node);

    public override int Version(Node node) => OptionsOf(node).HalfPixelCenters ? 3 : Int8Version2(node);

    public override string MinRuntimeVersion(int version) => version switch { 1 => "1.7.0", 2 => "1.14.0", 3 => "2.2.0", _ => "" };
}
