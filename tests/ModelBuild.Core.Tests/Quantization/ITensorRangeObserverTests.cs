using ModelBuild.Core.Quantization;

namespace ModelBuild.Core.Tests.Quantization;

/// <summary>The min/max statistic on activations large enough to be scanned by several cores at once.</summary>
[TestClass]
public sealed class ITensorRangeObserverTests
{
    [TestMethod]
    [DataRow(3_000_001, 17, 2_999_999, DisplayName = "extremes at both ends, odd length")]
    [DataRow(2_097_152, 1_500_000, 600_000, DisplayName = "extremes inside different chunks")]
    [DataRow(1_048_576, 1_048_575, 0, DisplayName = "exactly the parallel threshold")]
    public void Large_spans_give_the_exact_minimum_and_maximum(int length, int minAt, int maxAt)
    {
        var r = new Random(length);
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (float)(r.NextDouble() * 2 - 1);
        values[minAt] = -7.25f;
        values[maxAt] = 9.5f;
        var observer = new MinMaxObserver();
        observer.Observe(values, 1);
        observer.Observe(new float[] { 0.5f, -0.5f }, 1);
        Assert.AreEqual(new TensorRange(-7.25f, 9.5f), observer.Range);
    }

    [TestMethod]
    [DataRow(2_500_000, 2_400_000, DisplayName = "large span, NaN in the last chunk")]
    [DataRow(100, 3, DisplayName = "small span")]
    public void A_NaN_anywhere_leaves_no_usable_range(int length, int nanAt)
    {
        var values = new float[length];
        values[nanAt] = float.NaN;
        var observer = new MinMaxObserver();
        observer.Observe(values, 1);
        observer.Observe(new float[] { 1f }, 1);
        Assert.IsNull(observer.Range, $"range {observer.Range}");
    }
}
