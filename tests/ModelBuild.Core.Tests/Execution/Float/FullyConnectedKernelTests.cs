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

    [TestMethod]
    public void FullyConnected_wide_enough_to_split_over_ranges_of_units_matches_naive_loops()
    {
        var r = new Random(11);
        var x = RandomNd(r, [3, 1000]);
        var wt = RandomNd(r, [101, 1000]);
        var bias = Random(r, 101);
        var expected = FloatNaiveReference.FullyConnected(x, wt, bias, FusedActivation.Relu6);
        var g = OneOp(OpType.FullyConnected, [Batch1(x.Shape)], [Constant("w", wt.Shape, wt.Data), Constant("b", [101], bias)], [1, 101],
            new FullyConnectedOptions(FusedActivation.Relu6));
        AssertClose(expected.Data, Run(g, 3, x.Data), "fully connected over unit ranges");
    }

    [TestMethod]
    [DataRow(0)]
    [DataRow(1)]
    [DataRow(7)]
    [DataRow(8)]
    [DataRow(15)]
    [DataRow(17)]
    [DataRow(31)]
    [DataRow(33)]
    [DataRow(63)]
    [DataRow(64)]
    [DataRow(65)]
    [DataRow(81)]
    [DataRow(127)]
    [DataRow(1283)]
    public void Dot_of_any_length_including_vector_tails_matches_a_double_precision_sum(int length)
    {
        var r = new Random(length + 1);
        var a = Random(r, length + 3);
        var b = Random(r, length);
        double expected = 0;
        for (int i = 0; i < length; i++) expected += (double)a[i + 3] * b[i];
        float actual = FullyConnectedKernel.Dot(a.AsSpan(3), b);
        Assert.AreEqual(expected, actual, 1e-5 * Math.Max(1, Math.Sqrt(length)), $"length {length}");
    }
}
