using ModelBuild.Core.Graph;
using static ModelBuild.Core.Tests.TestGraphs.FloatTestGraphs;

namespace ModelBuild.Core.Tests.Execution.Float;

/// <summary>Float activations and SOFTMAX against their definitions.</summary>
[TestClass]
public sealed class UnaryKernelTests
{
    [TestMethod]
    [DataRow(OpType.Relu, 0f)]
    [DataRow(OpType.Relu6, 0f)]
    [DataRow(OpType.ReluN1To1, 0f)]
    [DataRow(OpType.Logistic, 0f)]
    [DataRow(OpType.Tanh, 0f)]
    [DataRow(OpType.LeakyRelu, 0.2f)]
    [DataRow(OpType.HardSwish, 0f)]
    public void Activations_match_their_definitions(OpType op, float alpha)
    {
        var r = new Random((int)op);
        var x = RandomNd(r, [3, 4, 5, 7], 9f);
        var expected = x.Data.Select(v => FloatNaiveReference.Unary(op, v, alpha)).ToArray();
        var g = OneOp(op, [[1, 4, 5, 7]], [], [1, 4, 5, 7], op == OpType.LeakyRelu ? new LeakyReluOptions(alpha) : null);
        AssertClose(expected, Run(g, 3, x.Data), op.ToString());
    }

    [TestMethod]
    [DataRow(1f, 1, DisplayName = "beta 1")]
    [DataRow(0.5f, 3, DisplayName = "beta 0.5, batch 3")]
    [DataRow(2.5f, 2, DisplayName = "beta 2.5, batch 2")]
    public void Softmax_over_the_last_axis_with_beta(float beta, int batch)
    {
        var r = new Random(8);
        var x = RandomNd(r, [batch, 2, 3, 11], 6f);
        var expected = FloatNaiveReference.Softmax(x.Data, 11, beta);
        var g = OneOp(OpType.Softmax, [[1, 2, 3, 11]], [], [1, 2, 3, 11], new SoftmaxOptions(beta));
        AssertClose(expected, Run(g, batch, x.Data), "softmax");
    }
}
