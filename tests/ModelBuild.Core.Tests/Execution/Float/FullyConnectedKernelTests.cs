using ModelBuild.Core.Execution.Float;
using ModelBuild.Core.Graph;
using static ModelBuild.Core.Tests.TestGraphs.FloatTestGraphs;

namespace ModelBuild.Core.Tests.Execution.Float;

/// <summary>Float FULLY_CONNECTED against naive loops.</summary>
[TestClass]
public sealed class FullyConnectedKernelTests
{
    [TestMethod]
    [DataRow(1, FusedActivation.Relu, DisplayName = "batch 1, relu")]
    [DataRow(3, FusedActivation.None, DisplayName = "batch 3")]
    public void FullyConnected_flattens_NHWC_and_matches_naive_loops(int batch, FusedActivation act)
    {
        var r = new Random(9);
        var x = RandomNd(r, [batch, 2, 3, 5]);
        var wt = RandomNd(r, [7, 30]);
        var bias = Random(r, 7);
        var expected = FloatNaiveReference.FullyConnected(x, wt, bias, act);
        var g = OneOp(OpType.FullyConnected, [Batch1(x.Shape)], [Constant("w", wt.Shape, wt.Data), Constant("b", [7], bias)], [1, 7],
            new FullyConnectedOptions(act));
        AssertClose(expected.Data, Run(g, batch, x.Data), "fully connected");
    }
}
