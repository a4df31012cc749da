using ModelBuild.Core.Quantization.Equalization;

namespace ModelBuild.Core.Tests.Quantization.Equalization;

[TestClass]
public sealed class GramAccumulatorTests
{
    [TestMethod]
    [DataRow(1, 1, DisplayName = "one number")]
    [DataRow(17, 256, DisplayName = "17-long rows, one whole chunk")]
    [DataRow(45, 601, DisplayName = "45-long rows, two chunks and a ragged one")]
    [DataRow(100, 300, DisplayName = "100-long rows, a chunk and a ragged one")]
    public void Sums_and_upper_triangle_match_a_double_precision_reference(int row, int count)
    {
        var x = PatchMomentsReference.Random(row * count, seed: row + count);
        var sum = new double[row];
        var upper = new double[row * row];

        new GramAccumulator(row).Add(x, count, sum, upper);

        var expectedSum = new double[row];
        var expectedUpper = new double[row * row];
        for (int k = 0; k < count; k++)
            for (int i = 0; i < row; i++)
            {
                expectedSum[i] += x[k * row + i];
                for (int j = i; j < row; j++) expectedUpper[i * row + j] += (double)x[k * row + i] * x[k * row + j];
            }

        PatchMomentsReference.AssertClose(expectedSum, sum, "Σ x");
        PatchMomentsReference.AssertClose(expectedUpper, upper, "Σ x·xᵀ, upper triangle");
    }

    [TestMethod]
    public void Entries_below_the_diagonal_are_left_alone_and_totals_accumulate_across_calls()
    {
        var upper = new double[3 * 3];
        upper[1 * 3 + 0] = -7;
        var sum = new double[3];
        var gram = new GramAccumulator(3);

        gram.Add([1f, 2f, 3f], 1, sum, upper);
        gram.Add([1f, 0f, 1f], 1, sum, upper);

        CollectionAssert.AreEqual(new[] { 2.0, 2.0, 4.0 }, sum);
        CollectionAssert.AreEqual(new[] { 2.0, 2.0, 4.0, -7.0, 4.0, 6.0, 0.0, 0.0, 10.0 }, upper);
    }

    [TestMethod]
    public void A_chunk_longer_than_the_block_is_refused()
    {
        var gram = new GramAccumulator(2);

        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            gram.AddChunk(new float[2 * (GramAccumulator.Chunk + 1)], GramAccumulator.Chunk + 1, new double[2], new double[4]));
    }
}
