using ModelBuild.Core.Execution.Float;
using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Execution.Int8;

/// <summary>SLICE int8: a copy of the window; input and output share quantization parameters (slice.cc).</summary>
internal sealed class Int8SliceKernel(Node node) : Int8Kernel
{
    private readonly Tensor input = node.Inputs[0]!, output = node.Outputs[0];
    private readonly int[] begin = node.Inputs[1]!.Int32Data;

    public override void Run(Int8TensorStore store) =>
        SliceKernel.Copy(store.Get(input), input.Shape, begin, store.Allocate(output), output.Shape);
}
