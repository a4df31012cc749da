using ModelBuild.Core.Graph;
using static ModelBuild.Core.Tests.TestGraphs.FloatTestGraphs;

namespace ModelBuild.Core.Tests.Execution.Float;

/// <summary>Float max and average pools and the MEAN / REDUCE_MAX reductions against naive loops.</summary>
[TestClass]
public sealed class PoolKernelTests
{
    [TestMethod]
    [DataRow(true, 8, 8, 2, 2, Padding.Valid, FusedActivation.None, 1, DisplayName = "max 2x2 valid")]
    [DataRow(true, 9, 8, 3, 2, Padding.Same, FusedActivation.None, 3, DisplayName = "max 3x3 s2 same, odd/even, batch 3")]
    [DataRow(false, 9, 9, 3, 2, Padding.Same, FusedActivation.None, 1, DisplayName = "avg 3x3 s2 same counts only valid elements")]
    [DataRow(false, 8, 7, 3, 1, Padding.Same, FusedActivation.Relu, 3, DisplayName = "avg 3x3 s1 same, batch 3, relu")]
    [DataRow(false, 8, 8, 2, 2, Padding.Valid, FusedActivation.None, 1, DisplayName = "avg 2x2 valid")]
    [DataRow(true, 7, 7, 7, 1, Padding.Valid, FusedActivation.Relu6, 2, DisplayName = "max global 7x7, relu6")]
    public void Pools_match_naive_loops(bool max, int h, int w, int filter, int stride, Padding padding, FusedActivation act, int batch)
    {
        var r = new Random(h * 10 + filter);
        var x = RandomNd(r, [batch, h, w, 5], 8f);
        var expected = FloatNaiveReference.Pool(max, x, filter, filter, stride, stride, padding, act);
        var g = OneOp(max ? OpType.MaxPool2D : OpType.AveragePool2D, [Batch1(x.Shape)], [], Batch1(expected.Shape),
            new Pool2DOptions(padding, stride, stride, filter, filter, act));
        AssertClose(expected.Data, Run(g, batch, x.Data), max ? "max pool" : "average pool");
    }

    [TestMethod]
    public void Average_pool_corner_divides_by_the_valid_count()
    {
        // 3x3 SAME stride 1 on a constant 1 input: padded zeros would pull corners to 4/9 if they were counted.
        var g = OneOp(OpType.AveragePool2D, [[1, 4, 4, 1]], [], [1, 4, 4, 1], new Pool2DOptions(Padding.Same, 1, 1, 3, 3));
        var y = Run(g, 1, Enumerable.Repeat(1f, 16).ToArray());
        CollectionAssert.AreEqual(Enumerable.Repeat(1f, 16).ToArray(), y);
    }

    [TestMethod]
    [DataRow(false, new[] { 1, 2 }, true, 1, DisplayName = "mean HW keep_dims")]
    [DataRow(false, new[] { 1, 2 }, false, 3, DisplayName = "mean HW, batch 3")]
    [DataRow(false, new[] { -1 }, true, 2, DisplayName = "mean channels (axis -1)")]
    [DataRow(false, new[] { 2 }, false, 1, DisplayName = "mean W")]
    [DataRow(true, new[] { 1, 2 }, false, 3, DisplayName = "reduce max HW, batch 3")]
    [DataRow(true, new[] { 3 }, true, 1, DisplayName = "reduce max channels keep_dims")]
    public void Reductions_match_naive_loops(bool max, int[] axes, bool keepDims, int batch)
    {
        var r = new Random(axes.Sum() + batch);
        var x = RandomNd(r, [batch, 5, 3, 7], 3f);
        var expected = FloatNaiveReference.Reduce(max, x, axes, keepDims);
        var g = OneOp(max ? OpType.ReduceMax : OpType.Mean, [Batch1(x.Shape)], [Int32Constant("axes", axes)], Batch1(expected.Shape),
            new ReducerOptions(keepDims));
        AssertClose(expected.Data, Run(g, batch, x.Data), max ? "reduce max" : "mean");
    }

    [TestMethod]
    [DataRow(37, DisplayName = "37 channels: whole vectors and a tail")]
    [DataRow(1280, DisplayName = "1280 channels (MobileNetV2's last layer)")]
    public void Mean_over_HW_of_many_channels_matches_naive_loops(int channels)
    {
        var r = new Random(channels);
        var x = RandomNd(r, [2, 7, 7, channels], 3f);
        var expected = FloatNaiveReference.Reduce(false, x, [1, 2], false);
        var g = OneOp(OpType.Mean, [Batch1(x.Shape)], [Int32Constant("axes", [1, 2])], Batch1(expected.Shape), new ReducerOptions(false));
        AssertClose(expected.Data, Run(g, 2, x.Data), "mean over HW");
    }
}
