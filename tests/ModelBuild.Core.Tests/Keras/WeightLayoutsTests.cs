using ModelBuild.Core.Keras;

namespace ModelBuild.Core.Tests.Keras;

[TestClass]
public sealed class WeightLayoutsTests
{
    [TestMethod]
    public void TransposeInPlace_turns_rows_into_columns_in_the_same_array()
    {
        // [3, 70] (wider than one 32-value tile) → [70, 3].
        int rows = 3, cols = 70;
        var k = Enumerable.Range(0, rows * cols).Select(i => (float)i).ToArray();
        var result = WeightLayouts.TransposeInPlace(k, rows, cols);
        Assert.AreSame(k, result);
        for (int o = 0; o < cols; o++)
            for (int i = 0; i < rows; i++)
                Assert.AreEqual(i * cols + o, result[o * rows + i]);
    }

    [TestMethod]
    public void HwioToOhwiInPlace_puts_the_output_channel_first()
    {
        // HWIO [1, 2, 2, 3]: value = ((h*2 + w)*2 + i)*3 + o.
        var k = Enumerable.Range(0, 12).Select(v => (float)v).ToArray();
        WeightLayouts.HwioToOhwiInPlace(k, 1, 2, 2, 3);
        for (int o = 0; o < 3; o++)
            for (int w = 0; w < 2; w++)
                for (int i = 0; i < 2; i++)
                    Assert.AreEqual((w * 2 + i) * 3 + o, k[(o * 2 + w) * 2 + i]);
    }
}
