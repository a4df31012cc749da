using ModelBuild.Core.Execution.Float;
using ModelBuild.Core.Execution.Int8;
using ModelBuild.Core.Graph;
using ModelBuild.Core.TfLite;
using S = ModelBuild.Core.TfLite.TfLiteSchema;

namespace ModelBuild.Core.Operators;

/// <summary>RESIZE_NEAREST_NEIGHBOR: picks input values, so the output shares the input's parameters.</summary>
internal sealed class ResizeNearestNeighborDefinition : ResizeDefinition
{
    public override OpType Op => OpType.ResizeNearestNeighbor;

    public override TfLiteBuiltinOperator Builtin => TfLiteBuiltinOperator.ResizeNearestNeighbor;

    protected override (TfLiteBuiltinOptionsType Type, int FieldCount, int AlignCorners, int HalfPixelCenters) OptionsTable =>
        (TfLiteBuiltinOptionsType.ResizeNearestNeighborOptions, S.ResizeNearestNeighborOptions.FieldCount, S.ResizeNearestNeighborOptions.AlignCorners,
            S.ResizeNearestNeighborOptions.HalfPixelCenters);

    protected override void RunFloat(float[] x, int batch, int h, int w, int c, float[] y, int oh, int ow, ResizeOptions o) =>
        LayoutKernels.ResizeNearest(x, batch, h, w, c, y, oh, ow, o.AlignCorners, o.HalfPixelCenters);

    public override Int8Kernel CreateInt8Kernel(Node node) => new Int8ResizeNearestKernel(node);

    public override int Version(Node node)
    {
        var o = OptionsOf(node);
        return o.AlignCorners || o.HalfPixelCenters ? 3 : Int8Version2(node);
    }

    public override string MinRuntimeVersion(int version) => version switch { 1 => "1.13.1", 2 => "1.14.0", 3 => "2.3.0", _ => "" };
}
