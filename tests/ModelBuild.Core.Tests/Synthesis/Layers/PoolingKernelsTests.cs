using ModelBuild.Core.Synthesis.Layers;

namespace ModelBuild.Core.Tests.Synthesis.Layers;

/// <summary>TensorFlow's pooling windows on a 3×3 map whose results are worked out by hand.</summary>
[TestClass]
public sealed class PoolingKernelsTests
{
    /// <summary>3×3×1 with values 1..9 row by row, each multiplied by <paramref name="sign"/>.</summary>
    private static FeatureMap Map(float sign = 1) => new(Enumerable.Range(1, 9).Select(v => sign * v).ToArray(), 1, 3, 3, 1);

    [TestMethod]
    public void Same_average_pooling_divides_by_the_real_inputs_of_each_window()
    {
        // Same padding puts the one padded row and column at the bottom and right: windows {1,2,4,5}, {3,6}, {7,8}, {9}.
        var y = PoolingKernels.Pool(Map(), 2, 2, same: true, average: true);

        Assert.AreEqual((2, 2), (y.H, y.W));
        CollectionAssert.AreEqual(new[] { 3f, 4.5f, 7.5f, 9f }, y.Data);
    }

    [TestMethod]
    public void Same_max_pooling_ignores_the_padding()
    {
        var y = PoolingKernels.Pool(Map(-1), 2, 2, same: true, average: false);

        CollectionAssert.AreEqual(new[] { -1f, -3f, -7f, -9f }, y.Data, "a padded zero would win over negative values");
    }

    [TestMethod]
    public void Valid_pooling_drops_the_incomplete_windows()
    {
        var y = PoolingKernels.Pool(Map(), 2, 2, same: false, average: true);

        Assert.AreEqual((1, 1), (y.H, y.W));
        Assert.AreEqual(3f, y.Data[0]);
    }

    [TestMethod]
    [DataRow(true, 2)]
    [DataRow(false, 1)]
    public void The_output_shape_is_the_ceiling_for_same_and_the_floor_for_valid(bool same, int side) =>
        CollectionAssert.AreEqual(new[] { side, side, 5 }, PoolingKernels.OutputShape([3, 3, 5], 2, 2, same));
}
