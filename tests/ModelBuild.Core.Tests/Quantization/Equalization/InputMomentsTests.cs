using ModelBuild.Core.Graph;
using ModelBuild.Core.Quantization.Equalization;

namespace ModelBuild.Core.Tests.Quantization.Equalization;

[TestClass]
public sealed class InputMomentsTests
{
    /// <summary>x (1×2×2×1) → ReLU → r → op → y: r is the input whose moments are kept.</summary>
    private static (ModelGraph Graph, Tensor R) Graph(OpType op, int[] weightShape, OpOptions options)
    {
        var x = new Tensor("x", [1, 2, 2, 1]);
        var r = new Tensor("r", [1, 2, 2, 1]);
        var y = new Tensor("y", [1, 2, 2, 1]);
        var w = new Tensor("w", weightShape, DataType.Float32, new float[weightShape.Aggregate(1, (a, b) => a * b)]);
        var graph = new ModelGraph("g", [x], [y],
        [
            new Node("relu", OpType.Relu, [x], [r]),
            new Node("op", op, [r, w], [y], options),
        ]);
        return (graph, r);
    }

    [TestMethod]
    public void Convolution_patches_read_padding_as_zeros()
    {
        // 3×3 SAME convolution over a 2×2 input [1 2; 3 4]: the centre tap reads every value, the top-left tap only
        // the 1 (from the bottom-right output) and 0 elsewhere.
        var (graph, r) = Graph(OpType.Conv2D, [1, 3, 3, 1], new Conv2DOptions(Padding.Same, 1, 1));
        var moments = new InputMoments(graph);

        moments.Observe(r, [1f, 2f, 3f, 4f], batch: 1);

        var m = moments.Of("op")!;
        Assert.AreEqual(4, m.Count, "one patch per output position");
        Assert.AreEqual(2.5, m.Mean(0)[4], 1e-9, "centre tap: mean of 1..4");
        Assert.AreEqual(0.25, m.Mean(0)[0], 1e-9, "top-left tap: 1 once, padding three times");
        Assert.AreEqual(7.5, m.Second(0)[4 * 9 + 4], 1e-9, "centre tap squared: (1+4+9+16)/4");
        Assert.AreEqual(1.0, m.Second(0)[0 * 9 + 4], 1e-9, "top-left × centre: 1·4 at the one position where both read values");
    }

    [TestMethod]
    public void Depthwise_moments_are_kept_per_channel()
    {
        var x = new Tensor("x", [1, 1, 2, 2]);
        var r = new Tensor("r", [1, 1, 2, 2]);
        var y = new Tensor("y", [1, 1, 2, 2]);
        var w = new Tensor("w", [1, 1, 1, 2], DataType.Float32, new float[2]);
        var graph = new ModelGraph("g", [x], [y],
        [
            new Node("relu", OpType.Relu, [x], [r]),
            new Node("op", OpType.DepthwiseConv2D, [r, w], [y], new DepthwiseConv2DOptions(Padding.Valid, 1, 1, 1)),
        ]);
        var moments = new InputMoments(graph);

        moments.Observe(r, [1f, 10f, 3f, 30f], batch: 1);

        var m = moments.Of("op")!;
        Assert.AreEqual(2, m.Groups);
        Assert.AreEqual(2.0, m.Mean(0)[0], 1e-9, "channel 0: 1 and 3");
        Assert.AreEqual(20.0, m.Mean(1)[0], 1e-9, "channel 1: 10 and 30");
        Assert.AreEqual(500.0, m.Second(1)[0], 1e-9, "channel 1: (100 + 900) / 2");
    }

    [TestMethod]
    public void Fully_connected_moments_are_over_every_sample_of_every_batch()
    {
        var x = new Tensor("x", [1, 2]);
        var r = new Tensor("r", [1, 2]);
        var y = new Tensor("y", [1, 1]);
        var w = new Tensor("w", [1, 2], DataType.Float32, new float[2]);
        var graph = new ModelGraph("g", [x], [y],
        [
            new Node("relu", OpType.Relu, [x], [r]),
            new Node("op", OpType.FullyConnected, [r, w], [y], new FullyConnectedOptions()),
        ]);
        var moments = new InputMoments(graph);

        moments.Observe(r, [1f, 2f, 3f, 4f], batch: 2);
        moments.Observe(r, [5f, 0f], batch: 1);

        var m = moments.Of("op")!;
        Assert.AreEqual(3, m.Count);
        CollectionAssert.AreEqual(new[] { 3.0, 2.0 }, m.Mean(0));
        // E[x·xᵀ]: (1 2; 2 4) + (9 12; 12 16) + (25 0; 0 0), over 3.
        double[] expected = [35.0 / 3, 14.0 / 3, 14.0 / 3, 20.0 / 3];
        var second = m.Second(0);
        for (int i = 0; i < 4; i++) Assert.AreEqual(expected[i], second[i], 1e-9, $"E[x·xᵀ] entry {i}");
    }

    [TestMethod]
    public void Nothing_observed_gives_no_moments()
    {
        var (graph, _) = Graph(OpType.Conv2D, [1, 3, 3, 1], new Conv2DOptions(Padding.Same, 1, 1));

        Assert.IsNull(new InputMoments(graph).Of("op"));
    }

    [TestMethod]
    [DataRow(1, 1, 1, Padding.Same, DisplayName = "3×3 stride 1 SAME")]
    [DataRow(2, 2, 1, Padding.Same, DisplayName = "3×3 stride 2 SAME")]
    [DataRow(1, 1, 2, Padding.Valid, DisplayName = "3×3 dilation 2 VALID")]
    public void Convolution_moments_match_a_double_precision_reference_across_chunks(int strideH, int strideW, int dilation, Padding padding)
    {
        // 5 channels: a 45-long row, neither whole 16-column panels nor whole 6-row blocks; 37×41 input: over 256
        // positions, so several chunks and a ragged last one; two samples in one batch.
        var x = PatchMomentsReference.Random(2 * 37 * 41 * 5, seed: 3);
        var graph = PatchMomentsReference.ConvGraph(OpType.Conv2D, [1, 37, 41, 5], [4, 3, 3, 5], strideH, strideW, dilation, padding);
        var moments = new InputMoments(graph);

        moments.Observe(graph.Nodes[0].Outputs[0], x, batch: 2);

        var (mean, second, count) = PatchMomentsReference.ConvMoments(x, 2, 37, 41, 5, 3, 3, strideH, strideW, dilation, padding, channel: -1);
        var m = moments.Of("op")!;
        Assert.AreEqual(count, m.Count);
        PatchMomentsReference.AssertClose(mean, m.Mean(0), "E[p]");
        PatchMomentsReference.AssertClose(second, m.Second(0), "E[p·pᵀ]");
    }

    [TestMethod]
    public void Fully_connected_moments_match_a_double_precision_reference_over_more_samples_than_a_chunk()
    {
        const int row = 70, samples = 300;
        var x = PatchMomentsReference.Random(row * samples, seed: 7);
        var r = new Tensor("r", [1, row]);
        var w = new Tensor("w", [2, row], DataType.Float32, new float[2 * row]);
        var graph = new ModelGraph("g", [new Tensor("x", [1, row])], [new Tensor("y", [1, 2])],
        [
            new Node("relu", OpType.Relu, [new Tensor("x", [1, row])], [r]),
            new Node("op", OpType.FullyConnected, [r, w], [new Tensor("y", [1, 2])], new FullyConnectedOptions()),
        ]);
        var moments = new InputMoments(graph);

        moments.Observe(r, x, batch: samples);

        var mean = new double[row];
        var second = new double[row * row];
        for (int s = 0; s < samples; s++)
            for (int i = 0; i < row; i++)
            {
                mean[i] += (double)x[s * row + i] / samples;
                for (int j = 0; j < row; j++) second[i * row + j] += (double)x[s * row + i] * x[s * row + j] / samples;
            }

        var m = moments.Of("op")!;
        Assert.AreEqual(samples, m.Count);
        PatchMomentsReference.AssertClose(mean, m.Mean(0), "E[x]");
        PatchMomentsReference.AssertClose(second, m.Second(0), "E[x·xᵀ]");
    }

    [TestMethod]
    public void Up_to_MaxPositions_every_output_position_is_taken()
    {
        var positions = LayerMoments.SampledPositions(128, 128);

        CollectionAssert.AreEqual(Enumerable.Range(0, 128 * 128).ToArray(), positions);
    }

    [TestMethod]
    public void Larger_outputs_are_sampled_on_a_regular_grid_within_MaxPositions()
    {
        // 400 × 600 (the U-Net's full resolution): step 4 from row and column 2 → 100 × 150 positions.
        var positions = LayerMoments.SampledPositions(400, 600);

        Assert.HasCount(100 * 150, positions);
        Assert.IsLessThanOrEqualTo(InputMoments.MaxPositions, positions.Length);
        Assert.AreEqual(2 * 600 + 2, positions[0]);
        Assert.AreEqual(2 * 600 + 6, positions[1]);
        Assert.AreEqual(398 * 600 + 598, positions[^1]);
    }

    [TestMethod]
    public void A_sampled_layer_takes_the_moments_of_the_grid_positions_only()
    {
        // 1×1 convolution over 130 × 130 (16,900 positions): step 2 from 1 → 65 × 65 positions, each the input value.
        var x = PatchMomentsReference.Random(130 * 130, seed: 11);
        var graph = PatchMomentsReference.ConvGraph(OpType.Conv2D, [1, 130, 130, 1], [1, 1, 1, 1], 1, 1, 1, Padding.Valid);
        var moments = new InputMoments(graph);

        moments.Observe(graph.Nodes[0].Outputs[0], x, batch: 1);

        var grid = Enumerable.Range(0, 65).SelectMany(y => Enumerable.Range(0, 65).Select(c => x[(2 * y + 1) * 130 + 2 * c + 1])).ToArray();
        var m = moments.Of("op")!;
        Assert.AreEqual(65 * 65, m.Count);
        Assert.AreEqual(grid.Average(v => (double)v), m.Mean(0)[0], 1e-6);
        Assert.AreEqual(grid.Average(v => (double)v * v), m.Second(0)[0], 1e-6);
    }
}
