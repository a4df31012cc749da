using ModelBuild.Core.Execution.Int8;

namespace ModelBuild.Core.Tests.Execution.Int8;

/// <summary>NumPy broadcasting of two int8 operands: the fast-path flags and every element's operand indices, against a naive multi-index walk.</summary>
[TestClass]
public sealed class Int8BroadcastTests
{
    /// <summary>The flat index into <paramref name="shape"/> (right-aligned, size-1 dims repeat) of output element <paramref name="i"/>.</summary>
    private static int NaiveIndex(int i, int[] shape, int[] output)
    {
        var idx = new int[output.Length];
        for (int d = output.Length - 1; d >= 0; d--)
        {
            idx[d] = i % output[d];
            i /= output[d];
        }

        int flat = 0, offset = output.Length - shape.Length;
        for (int k = 0; k < shape.Length; k++) flat = flat * shape[k] + (shape[k] == 1 ? 0 : idx[k + offset]);
        return flat;
    }

    private static int Count(int[] shape) => shape.Aggregate(1, (p, d) => p * d);

    public static IEnumerable<object[]> Shapes() =>
    [
        [new[] { 1, 2, 3, 4 }, new[] { 1, 2, 3, 4 }, new[] { 1, 2, 3, 4 }],
        [new[] { 1, 2, 3, 4 }, new[] { 4 }, new[] { 1, 2, 3, 4 }],
        [new[] { 4 }, new[] { 1, 2, 3, 4 }, new[] { 1, 2, 3, 4 }],
        [new[] { 1, 2, 3, 4 }, new[] { 1, 1, 3, 4 }, new[] { 1, 2, 3, 4 }],
        [new[] { 1, 2, 3, 4 }, new[] { 1, 2, 1, 1 }, new[] { 1, 2, 3, 4 }],
        [new[] { 1, 2, 3, 4 }, new[] { 1, 2, 1, 4 }, new[] { 1, 2, 3, 4 }],
        [new[] { 2, 1, 3 }, new[] { 4, 1 }, new[] { 2, 4, 3 }],
        [new[] { 1 }, new[] { 2, 5 }, new[] { 2, 5 }],
    ];

    [TestMethod]
    [DynamicData(nameof(Shapes))]
    public void ForEach_visits_every_output_in_order_with_the_numpy_operand_indices(int[] a, int[] b, int[] output)
    {
        var broadcast = new Int8Broadcast(a, b, output);
        int visited = 0;
        broadcast.ForEach((i, ia, ib) =>
        {
            Assert.AreEqual(visited++, i);
            Assert.AreEqual(NaiveIndex(i, a, output), ia, $"a index of output {i}");
            Assert.AreEqual(NaiveIndex(i, b, output), ib, $"b index of output {i}");
        });
        Assert.AreEqual(Count(output), visited);
    }

    [TestMethod]
    [DynamicData(nameof(Shapes))]
    public void Apply_computes_every_output_from_its_broadcast_operands(int[] a, int[] b, int[] output)
    {
        var r = new Random(Count(a) * 7 + Count(b));
        var x = Enumerable.Range(0, Count(a)).Select(_ => (sbyte)r.Next(-128, 128)).ToArray();
        var z = Enumerable.Range(0, Count(b)).Select(_ => (sbyte)r.Next(-128, 128)).ToArray();
        var y = new sbyte[Count(output)];
        static sbyte Compute(sbyte p, sbyte q) => (sbyte)Math.Clamp(p - 2 * q, -128, 127);

        new Int8Broadcast(a, b, output).Apply(x, z, y, Compute);

        for (int i = 0; i < y.Length; i++)
            Assert.AreEqual(Compute(x[NaiveIndex(i, a, output)], z[NaiveIndex(i, b, output)]), y[i], $"output {i}");
    }

    /// <summary>The shapes above and large ones, which the parallel loops split into chunks that start inside a period.</summary>
    public static IEnumerable<object[]> ShapesLargeToo() => Shapes().Concat(
    [
        [new[] { 1, 128, 128, 24 }, new[] { 24 }, new[] { 1, 128, 128, 24 }],
        [new[] { 1, 64, 23 }, new[] { 1, 151, 64, 23 }, new[] { 1, 151, 64, 23 }],
        [new[] { 1, 96, 96, 7 }, new[] { 1, 96, 96, 7 }, new[] { 1, 96, 96, 7 }],
        [new[] { 1, 96, 1, 8 }, new[] { 1, 96, 40, 8 }, new[] { 1, 96, 40, 8 }],
    ]);

    [TestMethod]
    [DynamicData(nameof(ShapesLargeToo))]
    public void Apply_with_the_function_tabulated_gives_what_the_function_gives(int[] a, int[] b, int[] output)
    {
        var r = new Random(Count(a) * 5 + Count(b));
        var x = Enumerable.Range(0, Count(a)).Select(_ => (sbyte)r.Next(-128, 128)).ToArray();
        var z = Enumerable.Range(0, Count(b)).Select(_ => (sbyte)r.Next(-128, 128)).ToArray();
        static sbyte Compute(sbyte p, sbyte q) => (sbyte)Math.Clamp(3 * p - q / 3 + 1, -128, 127);
        var broadcast = new Int8Broadcast(a, b, output);
        var expected = new sbyte[Count(output)];
        var actual = new sbyte[Count(output)];

        broadcast.Apply(x, z, expected, Compute);
        broadcast.Apply(x, z, actual, Int8Broadcast.Table(Compute));

        CollectionAssert.AreEqual(expected, actual);
        Assert.IsGreaterThan(1, expected.Distinct().Count(), "the outputs vary");
    }

    [TestMethod]
    public void Equal_shapes_are_the_same_case()
    {
        var broadcast = new Int8Broadcast([1, 2, 3], [1, 2, 3], [1, 2, 3]);
        Assert.IsTrue(broadcast.Same);
    }

    [TestMethod]
    public void A_channel_vector_against_a_full_tensor_repeats_with_its_length()
    {
        var broadcast = new Int8Broadcast([1, 2, 3, 4], [4], [1, 2, 3, 4]);
        Assert.IsFalse(broadcast.Same);
        Assert.AreEqual(4, broadcast.PeriodB);
        Assert.AreEqual(0, broadcast.PeriodA);
        Assert.AreEqual((13, 1), broadcast.Periodic(13));
    }

    [TestMethod]
    public void A_trailing_block_as_the_first_operand_repeats_with_its_length()
    {
        var broadcast = new Int8Broadcast([1, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4]);
        Assert.AreEqual(12, broadcast.PeriodA);
        Assert.AreEqual(0, broadcast.PeriodB);
        Assert.AreEqual((1, 13), broadcast.Periodic(13));
    }

    [TestMethod]
    public void A_block_that_repeats_inside_the_tensor_is_not_periodic()
    {
        // [1,2,1,4] repeats over H, not as a trailing block: only the general walk handles it.
        var broadcast = new Int8Broadcast([1, 2, 3, 4], [1, 2, 1, 4], [1, 2, 3, 4]);
        Assert.AreEqual(0, broadcast.PeriodA);
        Assert.AreEqual(0, broadcast.PeriodB);
    }
}
