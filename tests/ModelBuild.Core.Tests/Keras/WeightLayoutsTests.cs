using ModelBuild.Core.Keras;

namespace ModelBuild.Core.Tests.Keras;

/// <summary>Keras kernel layouts to the IR's, in the array read, against index-by-index loops (sizes cross the 32-element tiles).</summary>
[TestClass]
public sealed class WeightLayoutsTests
{
    [TestMethod]
    [DataRow(1, 1)]
    [DataRow(3, 5)]
    [DataRow(3, 70)]
    [DataRow(33, 70)]
    [DataRow(64, 32)]
    public void TransposeInPlace_swaps_rows_and_columns(int rows, int cols)
    {
        var k = Enumerable.Range(0, rows * cols).Select(i => (float)i).ToArray();
        var original = (float[])k.Clone();
        var t = WeightLayouts.TransposeInPlace(k, rows, cols);
        for (int i = 0; i < rows; i++)
            for (int o = 0; o < cols; o++)
                Assert.AreEqual(original[i * cols + o], t[o * rows + i], $"[{i},{o}]");
    }

    [TestMethod]
    public void TransposeInPlace_returns_the_array_it_was_given()
    {
        var k = Enumerable.Range(0, 3 * 70).Select(i => (float)i).ToArray();
        Assert.AreSame(k, WeightLayouts.TransposeInPlace(k, 3, 70));
    }

    [TestMethod]
    public void HwioToOhwiInPlace_puts_the_output_channel_first()
    {
        const int kh = 2, kw = 3, cin = 4, cout = 5;
        var k = Enumerable.Range(0, kh * kw * cin * cout).Select(i => (float)i).ToArray();
        var original = (float[])k.Clone();
        var ohwi = WeightLayouts.HwioToOhwiInPlace(k, kh, kw, cin, cout);
        for (int y = 0; y < kh; y++)
            for (int x = 0; x < kw; x++)
                for (int i = 0; i < cin; i++)
                    for (int o = 0; o < cout; o++)
                        Assert.AreEqual(original[((y * kw + x) * cin + i) * cout + o], ohwi[((o * kh + y) * kw + x) * cin + i], $"h{y} w{x} i{i} o{o}");
    }
}
