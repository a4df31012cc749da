using ModelBuild.Core.Execution.Int8;

namespace ModelBuild.Core.Tests.Execution.Int8;

/// <summary>The vectorized int8 dot products and sum against plain loops, over lengths around the 16-lane step and the extreme values.</summary>
[TestClass]
public sealed class Int8DotTests
{
    private static sbyte[] Random(Random r, int n) => Enumerable.Range(0, n).Select(_ => (sbyte)r.Next(-128, 128)).ToArray();

    private static int NaiveDot(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        int s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    [TestMethod]
    [DataRow(0)]
    [DataRow(1)]
    [DataRow(15)]
    [DataRow(16)]
    [DataRow(17)]
    [DataRow(47)]
    [DataRow(1000)]
    public void Dot_equals_the_plain_sum_of_products(int n)
    {
        var r = new Random(n);
        var a = Random(r, n);
        var b = Random(r, n);
        Assert.AreEqual(NaiveDot(a, b), Int8Dot.Dot(a, b));
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(16)]
    [DataRow(33)]
    [DataRow(300)]
    public void Dot4_gives_the_dot_product_of_each_of_four_rows(int n)
    {
        var r = new Random(n + 1);
        var rows = Random(r, 4 * n);
        var x = Random(r, n);
        var result = new int[4];
        Int8Dot.Dot4(rows, x, result);
        for (int row = 0; row < 4; row++)
            Assert.AreEqual(NaiveDot(rows.AsSpan(row * n, n), x), result[row], $"row {row}");
    }

    [TestMethod]
    public void Minus_128_squared_accumulates_without_overflow()
    {
        // Two adjacent products of -128·-128 are 32768, one past int16: the pairwise add must widen.
        var a = Enumerable.Repeat((sbyte)-128, 1024).ToArray();
        Assert.AreEqual(1024 * 16384, Int8Dot.Dot(a, a));
        var result = new int[4];
        Int8Dot.Dot4(Enumerable.Repeat((sbyte)-128, 4 * 1024).ToArray(), a, result);
        CollectionAssert.AreEqual(Enumerable.Repeat(1024 * 16384, 4).ToArray(), result);
    }

    [TestMethod]
    public void Sum_adds_signed_values()
    {
        Assert.AreEqual(-128 + 127 - 1 + 5, Int8Dot.Sum(new sbyte[] { -128, 127, -1, 5 }));
    }

    [TestMethod]
    [DataRow(31)]
    [DataRow(32)]
    [DataRow(33)]
    [DataRow(4609)]
    public void Sum_of_a_long_row_equals_the_plain_sum(int n)
    {
        var a = Random(new Random(n), n);
        Assert.AreEqual(a.Sum(v => (int)v), Int8Dot.Sum(a));
        Assert.AreEqual(-128 * n, Int8Dot.Sum(Enumerable.Repeat((sbyte)-128, n).ToArray()));
        Assert.AreEqual(127 * n, Int8Dot.Sum(Enumerable.Repeat((sbyte)127, n).ToArray()));
    }
}
