using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Tests.Graph;

/// <summary>A node's optional inputs: present, omitted (a null entry) or beyond its input list.</summary>
[TestClass]
public sealed class NodeTests
{
    private static readonly Tensor X = new("x", [1, 4]);
    private static readonly Tensor W = new("w", [3, 4], DataType.Float32, new float[12]);
    private static readonly Tensor B = new("b", [3], DataType.Float32, new float[3]);

    private static Node FullyConnected(params Tensor?[] inputs) =>
        new("fc", OpType.FullyConnected, inputs, [new Tensor("y", [1, 3])], new FullyConnectedOptions());

    [TestMethod]
    public void OptionalInput_returns_a_present_input()
    {
        Assert.AreSame(B, FullyConnected(X, W, B).OptionalInput(2));
    }

    [TestMethod]
    public void OptionalInput_is_null_for_an_omitted_input()
    {
        Assert.IsNull(FullyConnected(X, W, null).OptionalInput(2));
    }

    [TestMethod]
    public void OptionalInput_is_null_past_the_end_of_the_inputs()
    {
        Assert.IsNull(FullyConnected(X, W).OptionalInput(2));
    }
}
