using ModelBuild.Core.Graph;
using static ModelBuild.Core.Tests.TestGraphs.FloatTestGraphs;

namespace ModelBuild.Core.Tests.Execution.Float;

/// <summary>Float CONCATENATION and PAD against naive loops (RESIZE_NEAREST_NEIGHBOR: ResizeNearestNeighborDefinitionTests, against TFLite).</summary>
[TestClass]
public sealed class LayoutKernelsTests
{
    [TestMethod]
    [DataRow(3, 1, DisplayName = "channels")]
    [DataRow(-1, 3, DisplayName = "axis -1, batch 3")]
    [DataRow(1, 1, DisplayName = "height")]
    [DataRow(2, 3, DisplayName = "width, batch 3")]
    public void Concatenation_matches_naive_loops(int axis, int batch)
    {
        var r = new Random(axis + 10);
        int a = axis < 0 ? axis + 4 : axis;
        int[] Shape(int extent) { var s = new[] { batch, 4, 3, 5 }; s[a] = extent; return s; }
        var parts = new[] { RandomNd(r, Shape(2)), RandomNd(r, Shape(3)), RandomNd(r, Shape(1)) };
        var expected = FloatNaiveReference.Concat(parts, axis);
        var g = OneOp(OpType.Concatenation, parts.Select(p => Batch1(p.Shape)).ToArray(), [], Batch1(expected.Shape), new ConcatenationOptions(axis));
        AssertClose(expected.Data, Run(g, batch, parts.Select(p => p.Data).ToArray()), "concatenation");
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(3)]
    public void Pad_matches_naive_loops(int batch)
    {
        var r = new Random(3);
        var x = RandomNd(r, [batch, 5, 4, 3]);
        int[] paddings = [0, 0, 1, 2, 2, 1, 0, 0];
        var expected = FloatNaiveReference.Pad(x, paddings);
        var g = OneOp(OpType.Pad, [Batch1(x.Shape)], [new Tensor("paddings", [4, 2], DataType.Int32, paddings)], Batch1(expected.Shape));
        AssertClose(expected.Data, Run(g, batch, x.Data), "pad");
    }

    [TestMethod]
    [DataRow(new[] { 0, 0, 1, 0, 0, 2, 1, 1 }, DisplayName = "height, width and channels")]
    [DataRow(new[] { 0, 0, 0, 0, 0, 0, 2, 3 }, DisplayName = "channels only")]
    [DataRow(new[] { 0, 0, 2, 1, 0, 0, 0, 0 }, DisplayName = "height only (whole rows copied)")]
    [DataRow(new[] { 0, 0, 0, 0, 0, 0, 0, 0 }, DisplayName = "nothing")]
    public void Pad_copies_unpadded_trailing_dimensions_as_runs(int[] paddings)
    {
        var r = new Random(4);
        var x = RandomNd(r, [2, 5, 4, 3]);
        var expected = FloatNaiveReference.Pad(x, paddings);
        var g = OneOp(OpType.Pad, [Batch1(x.Shape)], [new Tensor("paddings", [4, 2], DataType.Int32, paddings)], Batch1(expected.Shape));
        AssertClose(expected.Data, Run(g, 2, x.Data), "pad");
    }
}
