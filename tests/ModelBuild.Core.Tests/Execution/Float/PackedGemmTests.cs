using ModelBuild.Core.Execution.Float;

namespace ModelBuild.Core.Tests.Execution.Float;

/// <summary>The packed GEMM, run block by block as the convolution kernels do, against a naive triple loop.</summary>
[TestClass]
public sealed unsafe class PackedGemmTests
{
    private static float[] Random(Random r, int n) => Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();

    /// <summary>clamp(A[rows,k] · W[n,k]ᵀ + bias) in double.</summary>
    private static float[] Naive(float[] a, float[] w, float[]? bias, int rows, int n, int k, float lo, float hi)
    {
        var c = new float[rows * n];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < n; j++)
            {
                double s = bias?[j] ?? 0;
                for (int d = 0; d < k; d++) s += (double)a[i * k + d] * w[j * k + d];
                c[i * n + j] = (float)Math.Clamp(s, lo, hi);
            }

        return c;
    }

    /// <summary>Every depth block over all panels, A padded with zero rows to whole row blocks as the contract asks.</summary>
    private static float[] Run(PackedGemm gemm, float[] a, int rows, float lo, float hi)
    {
        int padded = (rows + PackedGemm.RowBlock - 1) / PackedGemm.RowBlock * PackedGemm.RowBlock;
        var aPadded = new float[padded * gemm.K];
        Array.Copy(a, aPadded, a.Length);
        var c = new float[rows * gemm.N];
        fixed (float* pa = aPadded)
        fixed (float* pc = c)
            for (int k0 = 0; k0 < gemm.K; k0 += PackedGemm.DepthBlock)
                gemm.RunBlock(pa + k0, gemm.K, rows, k0, Math.Min(PackedGemm.DepthBlock, gemm.K - k0), pc, 0, gemm.Panels, lo, hi);
        return c;
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.HasCount(expected.Length, actual, what);
        for (int i = 0; i < expected.Length; i++)
            Assert.AreEqual(expected[i], actual[i], 1e-4f, $"{what}: element {i}");
    }

    [TestMethod]
    [DataRow(6, 16, 8, DisplayName = "one whole 6x16 tile")]
    [DataRow(7, 37, 20, DisplayName = "ragged rows and columns")]
    [DataRow(13, 5, 300, DisplayName = "depth over two blocks, one narrow panel")]
    [DataRow(24, 48, 600, DisplayName = "three depth blocks, three panels")]
    [DataRow(49, 37, 300, DisplayName = "49 rows (whole 7-row tiles with AVX-512), ragged panel, two depth blocks")]
    [DataRow(14, 48, 600, DisplayName = "14 rows, three panels by panel, three depth blocks")]
    [DataRow(14, 24, 40, DisplayName = "24 columns: a ragged pair of panels in 7-row tiles")]
    [DataRow(21, 24, 600, DisplayName = "24 columns, three depth blocks: the 16 + 8 pair accumulates in place")]
    [DataRow(14, 56, 300, DisplayName = "56 columns: a whole pair, then a 16 + 8 pair, two depth blocks")]
    [DataRow(7, 28, 300, DisplayName = "28 columns: a 16 + 12 pair accumulates through its edge tile")]
    [DataRow(28, 16, 300, DisplayName = "16 columns: a lone whole panel in 7-row tiles, two depth blocks")]
    [DataRow(7, 144, 50, DisplayName = "144 columns: four pairs and a lone ninth panel")]
    [DataRow(9, 24, 30, DisplayName = "24 columns, 9 rows: 6-row tiles take the 256-bit path")]
    public void Matches_the_naive_product_plus_bias(int rows, int n, int k)
    {
        var r = new Random(rows * 1000 + n * 10 + k);
        var a = Random(r, rows * k);
        var w = Random(r, n * k);
        var bias = Random(r, n);
        var actual = Run(new PackedGemm(w, bias, n, k), a, rows, float.NegativeInfinity, float.PositiveInfinity);
        AssertClose(Naive(a, w, bias, rows, n, k, float.NegativeInfinity, float.PositiveInfinity), actual, $"{rows}x{k} · {k}x{n}");
    }

    [TestMethod]
    public void Without_bias_starts_from_zero()
    {
        var r = new Random(2);
        var a = Random(r, 7 * 9);
        var w = Random(r, 18 * 9);
        var actual = Run(new PackedGemm(w, null, 18, 9), a, 7, float.NegativeInfinity, float.PositiveInfinity);
        AssertClose(Naive(a, w, null, 7, 18, 9, float.NegativeInfinity, float.PositiveInfinity), actual, "no bias");
    }

    [TestMethod]
    public void Clamps_only_after_the_last_depth_block()
    {
        // A clamp after the first block would lose the partial sums beyond [0, 0.5] that later blocks bring back.
        var r = new Random(3);
        const int rows = 6, n = 16, k = 520;
        var a = Random(r, rows * k);
        var w = Random(r, n * k);
        var actual = Run(new PackedGemm(w, null, n, k), a, rows, 0f, 0.5f);
        AssertClose(Naive(a, w, null, rows, n, k, 0f, 0.5f), actual, "relu-like clamp");
    }

    [TestMethod]
    public void Packs_columns_into_panels_of_sixteen()
    {
        var gemm = new PackedGemm(new float[33 * 4], null, 33, 4);
        Assert.AreEqual(3, gemm.Panels);
        Assert.AreEqual(33, gemm.N);
        Assert.AreEqual(4, gemm.K);
    }

    [TestMethod]
    public void Seven_row_tiles_give_the_same_bits_as_six_row_tiles()
    {
        // 49 rows run as 7-row tiles (where the machine has AVX-512); 48 + 1 rows as 6-row tiles: each output sums the
        // same products in the same order either way.
        var r = new Random(5);
        const int n = 40, k = 300;
        var a = Random(r, 54 * k);
        Array.Clear(a, 49 * k, 5 * k);
        var gemm = new PackedGemm(Random(r, n * k), Random(r, n), n, k);
        Assert.IsFalse(PackedGemm.UsesTallBlocks(48));
        var tall = new float[49 * n];
        var six = new float[49 * n];
        fixed (float* pa = a)
        fixed (float* pt = tall)
        fixed (float* ps = six)
            for (int k0 = 0; k0 < k; k0 += PackedGemm.DepthBlock)
            {
                int kc = Math.Min(PackedGemm.DepthBlock, k - k0);
                gemm.RunBlock(pa + k0, k, 49, k0, kc, pt, 0, gemm.Panels, 0f, float.PositiveInfinity);
                gemm.RunBlock(pa + k0, k, 48, k0, kc, ps, 0, gemm.Panels, 0f, float.PositiveInfinity);
                gemm.RunBlock(pa + 48 * k + k0, k, 1, k0, kc, ps + 48 * n, 0, gemm.Panels, 0f, float.PositiveInfinity);
            }

        CollectionAssert.AreEqual(six, tall);
    }
}
