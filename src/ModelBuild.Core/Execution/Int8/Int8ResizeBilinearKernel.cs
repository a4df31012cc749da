using ModelBuild.Core.Execution.Float;
using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Execution.Int8;

/// <summary>RESIZE_BILINEAR int8: interpolates the int8 values themselves; input and output share parameters.</summary>
internal sealed class Int8ResizeBilinearKernel(Node node) : Int8Kernel
{
    private readonly Tensor input = node.Inputs[0]!, output = node.Outputs[0];
    private readonly ResizeOptions options = node.Options as ResizeOptions ?? new ResizeOptions();

    public override void Run(Int8TensorStore store)
    {
        int[] xs = input.Shape, ys = output.Shape;
        ResizeBilinearKernel.Run(store.Get(input), xs[0], xs[1], xs[2], xs[3], store.Allocate(output), ys[1], ys[2], options.AlignCorners, options.HalfPixelCenters);
    }
}
