using ModelBuild.Core.Graph;
using static ModelBuild.Core.Tests.TestGraphs.FloatTestGraphs;

namespace ModelBuild.Core.Tests.Execution.Float;

/// <summary>Float ADD, SUB, MUL, MAXIMUM and MINIMUM with numpy broadcasting against naive loops.</summary>
[TestClass]
public sealed class BinaryKernelTests
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
}
