using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Slicing;

/// <summary>
/// A tensor a sub-model can start from on its own: the only runtime tensor passing from the nodes before it to
/// the nodes after it (branches merged, single producer), a 4-D feature map.
/// </summary>
/// <param name="Tensor">The cut tensor.</param>
/// <param name="NodeIndex">Index of the node producing it, in the graph's topological order.</param>
/// <param name="IsBlockBoundary">Its name ends in <c>_out</c> (the block outputs of Keras ResNets): preferred cut points.</param>
public sealed record CutCandidate(Tensor Tensor, int NodeIndex, bool IsBlockBoundary)
{
    public string Name => Tensor.Name;
}
