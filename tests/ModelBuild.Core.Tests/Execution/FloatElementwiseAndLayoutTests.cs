using ModelBuild.Core.Graph;
using static ModelBuild.Core.Tests.TestGraphs.FloatTestGraphs;

namespace ModelBuild.Core.Tests.Execution;

/// <summary>Broadcasting binary ops, pools, reductions, layout ops and activations of the float executor against naive loops (resize: ResizeOracleTests, against TFLite).</summary>
[TestClass]
public sealed class FloatElementwiseAndLayoutTests
{
    public static IEnumerable<object[]> BinaryCases()
    {
        foreach (var op in new[] { OpType.Add, OpType.Sub, OpType.Mul, OpType.Maximum, OpType.Minimum })
        {
            yield return [op, new[] { 3, 5, 4, 6 }, new[] { 3, 5, 4, 6 }, false, false, FusedActivation.None];
            yield return [op, new[] { 3, 5, 4, 6 }, new[] { 1, 1, 1, 6 }, false, true, FusedActivation.Relu];
            yield return [op, new[] { 3, 5, 4, 6 }, new[] { 6 }, false, true, FusedActivation.None];
            yield return [op, new[] { 6 }, new[] { 3, 5, 4, 6 }, true, false, FusedActivation.Relu6];
            yield return [op, new[] { 1, 1, 1, 6 }, new[] { 3, 5, 4, 6 }, true, false, FusedActivation.None];
            yield return [op, new[] { 3, 5, 4, 6 }, new[] { 1, 5, 1, 1 }, false, true, FusedActivation.None];
            yield return [op, new[] { 3, 5, 4, 6 }, new[] { 1, 1, 4, 1 }, false, true, FusedActivation.ReluN1To1];
            // Large enough for the vectorized passes split over cores (86,400 elements).
            yield return [op, new[] { 3, 40, 30, 24 }, new[] { 3, 40, 30, 24 }, false, false, FusedActivation.Relu];
            yield return [op, new[] { 3, 40, 30, 24 }, new[] { 24 }, false, true, FusedActivation.Relu6];
        }
    }

    [TestMethod]
    [DynamicData(nameof(BinaryCases))]
    public void Binary_ops_broadcast_like_numpy(OpType op, int[] aShape, int[] bShape, bool aConstant, bool bConstant, FusedActivation act)
    {
        var r = new Random((int)op * 31 + aShape.Length * 7 + bShape.Sum());
        var a = RandomNd(r, aShape, 4f);
        var b = RandomNd(r, bShape, 4f);
        var expected = FloatNaiveReference.Binary(op, a, b, act);

        var runtime = new List<int[]>();
        var inputs = new List<float[]>();
        Tensor? ta = null, tb = null;
        if (aConstant) ta = Constant("a", aShape, a.Data); else { runtime.Add(Batch1(aShape)); inputs.Add(a.Data); }
        if (bConstant) tb = Constant("b", bShape, b.Data); else { runtime.Add(Batch1(bShape)); inputs.Add(b.Data); }
        var xs = runtime.Select((s, i) => new Tensor($"x{i}", s)).ToList();
        var ia = ta ?? xs[0];
        var ib = tb ?? xs[^1];
        var y = new Tensor("y", Batch1(expected.Shape));
        var g = new ModelGraph("binary", xs, [y], [new Node("op", op, [ia, ib], [y], new ElementwiseOptions(act))]);

        var map = xs.Zip(inputs).ToDictionary(p => p.First, p => p.Second);
        var actual = new ModelBuild.Core.Execution.FloatExecutor(g).Run(map, expected.Shape[0])[y];
        AssertClose(expected.Data, actual, $"{op} {string.Join('x', aShape)} with {string.Join('x', bShape)}");
    }

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

    [TestMethod]
    [DataRow(1)]
    [DataRow(3)]
    public void Reshape_with_minus_one_keeps_the_row_major_order(int batch)
    {
        var r = new Random(4);
        var x = RandomNd(r, [batch, 4, 3, 2]);
        var g = OneOp(OpType.Reshape, [[1, 4, 3, 2]], [Int32Constant("shape", 1, -1)], [1, 24], new ReshapeOptions([1, -1]));
        CollectionAssert.AreEqual(x.Data, Run(g, batch, x.Data));
    }

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
