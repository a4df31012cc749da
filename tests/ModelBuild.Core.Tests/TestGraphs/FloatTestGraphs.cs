using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Tests.Execution;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.TestGraphs;

/// <summary>Builds one-op float graphs (batch 1 in the graph, as the IR requires) and compares executor output with the naive reference.</summary>
internal static class FloatTestGraphs
{
    public static float[] Random(Random r, int n, float scale = 1f) =>
        Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 2 - 1) * scale).ToArray();

    public static Nd RandomNd(Random r, int[] shape, float scale = 1f) => new(Random(r, shape.Aggregate(1, (p, d) => p * d), scale), shape);

    public static Tensor Constant(string name, int[] shape, float[] data) => new(name, shape, DataType.Float32, data);

    public static Tensor Int32Constant(string name, params int[] data) => new(name, [data.Length], DataType.Int32, data);

    /// <summary>The graph-side shape (batch 1) of a reference-side shape.</summary>
    public static int[] Batch1(int[] shape)
    {
        var s = (int[])shape.Clone();
        s[0] = 1;
        return s;
    }

    /// <summary>One node reading <paramref name="inputs"/> (runtime tensors named x0, x1, …) and constants, writing <paramref name="outShape"/>.</summary>
    public static ModelGraph OneOp(OpType op, int[][] inputShapes, Tensor?[] constants, int[] outShape, OpOptions? options = null)
    {
        var inputs = inputShapes.Select((s, i) => new Tensor($"x{i}", s)).ToList();
        var y = new Tensor("y", outShape);
        var node = new Node("op", op, inputs.Cast<Tensor?>().Concat(constants).ToList(), [y], options);
        return new ModelGraph(op.ToString(), inputs, [y], [node]);
    }

    public static float[] Run(ModelGraph g, int batch, params float[][] inputs)
    {
        var map = new Dictionary<Tensor, float[]>();
        for (int i = 0; i < inputs.Length; i++) map[g.Inputs[i]] = inputs[i];
        return new FloatExecutor(g).Run(map, batch)[g.Outputs[0]];
    }

    /// <summary>Max abs difference within 1e-5 of the reference's magnitude (float rounding of sums of a few hundred terms).</summary>
    public static void AssertClose(float[] expected, float[] actual, string what)
    {
        NumericAssert.SameLengthAndFinite(expected, actual, what);
        NumericAssert.Close(expected, actual, 1e-5 * Math.Max(1f, expected.Max(Math.Abs)), what);
    }
}
