using ModelBuild.Core.Graph;
using ModelBuild.Core.Quantization.Equalization;

namespace ModelBuild.Core.Tests.Quantization.Equalization;

[TestClass]
public sealed class InputMeansTests
{
    /// <summary>x (1×3) → ReLU → r → FULLY_CONNECTED(2 units): r is the one input bias correction needs.</summary>
    private static (ModelGraph Graph, Tensor X, Tensor R) Graph(int width = 3)
    {
        var x = new Tensor("x", [1, width]);
        var r = new Tensor("r", [1, width]);
        var y = new Tensor("y", [1, 2]);
        var w = new Tensor("w", [2, width], DataType.Float32, new float[2 * width]);
        var graph = new ModelGraph("g", [x], [y],
        [
            new Node("relu", OpType.Relu, [x], [r]),
            new Node("dense", OpType.FullyConnected, [r, w], [y], new FullyConnectedOptions()),
        ]);
        return (graph, x, r);
    }

    [TestMethod]
    public void The_mean_of_each_element_is_over_every_sample_of_every_batch()
    {
        var (graph, _, r) = Graph();
        var means = new InputMeans(graph);

        means.Observe(r, [1f, 2f, 3f, 3f, 4f, 5f], batch: 2);
        means.Observe(r, [5f, 0f, 1f], batch: 1);

        CollectionAssert.AreEqual(new[] { 3f, 2f, 3f }, means.Of(r));
    }

    [TestMethod]
    public void A_tensor_no_weighted_op_reads_is_not_kept()
    {
        var (graph, x, _) = Graph();
        var means = new InputMeans(graph);

        means.Observe(x, [1f, 2f, 3f], batch: 1);

        Assert.IsNull(means.Of(x));
    }

    [TestMethod]
    public void Values_of_the_wrong_length_are_ignored()
    {
        var (graph, _, r) = Graph();
        var means = new InputMeans(graph);

        means.Observe(r, [1f, 2f], batch: 1);

        Assert.IsNull(means.Of(r), "nothing observed");
    }

    private const float Huge = 1L << 60;

    /// <summary>
    /// Values whose double sums depend on the order they are added in, even once divided and rounded to float: ±2^60
    /// (which cancel) among small values (which are lost when added to 2^60 and kept when added after it cancelled).
    /// </summary>
    private static float[] Values(int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++)
            values[i] = random.Next(4) switch { 0 => Huge, 1 => -Huge, _ => (float)(random.NextDouble() - 0.5) };
        return values;
    }

    [TestMethod]
    public void Means_of_large_batches_are_those_of_the_plain_loop_bit_for_bit()
    {
        // 16 MB of sums (their pages are touched on another thread meanwhile), a width no vector or chunk divides, observed at once.
        const int width = (1 << 21) + 13;
        var (graph, _, r) = Graph(width);
        var batches = new (int Batch, float[] Values)[] { (4, Values(4 * width, 1)), (1, Values(width, 2)), (3, Values(3 * width, 3)) };
        var expected = new double[width];
        foreach (var (batch, values) in batches)
            for (int b = 0; b < batch; b++)
                for (int i = 0; i < width; i++) expected[i] += values[(b * width) + i];

        var means = new InputMeans(graph);
        foreach (var (batch, values) in batches) means.Observe(r, values, batch);

        var actual = means.Of(r)!;
        for (int i = 0; i < width; i++)
            Assert.AreEqual(BitConverter.SingleToInt32Bits((float)(expected[i] / 8)), BitConverter.SingleToInt32Bits(actual[i]), $"element {i}");
    }

    [TestMethod]
    public void Accumulate_adds_every_sample_in_order_to_each_element()
    {
        const int width = 70_001;
        var sum = new double[width];
        var values = Values(2 * width, 7);
        sum[5] = 1e10;

        InputMeans.Accumulate(sum, values, batch: 2);

        Assert.AreEqual(1e10 + values[5] + values[width + 5], sum[5]);
        for (int i = 0; i < width; i++)
            if (i != 5) Assert.AreEqual((double)values[i] + values[width + i], sum[i], $"element {i}");
    }
}
