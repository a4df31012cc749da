using ModelBuild.Core.Execution.Float;

namespace ModelBuild.Core.Tests.Execution.Float;

/// <summary>The 512-bit two-panel microkernels against a naive product, and bit for bit against the 256-bit path.</summary>
[TestClass]
public sealed unsafe class WideMicrokernelsTests
{
    private static float[] Random(Random r, int n) => Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();

    [TestMethod]
    [DataRow(6, DisplayName = "6 rows")]
    [DataRow(7, DisplayName = "7 rows")]
    public void Two_panels_match_the_naive_product_plus_bias_clamped(int rows)
    {
        if (!WideMicrokernels.Supported) Assert.Inconclusive("no AVX-512 on this machine");
        var r = new Random(rows);
        const int kc = 37, ldc = 40;
        var a = Random(r, rows * kc);
        var w0 = Random(r, kc * 16);
        var w1 = Random(r, kc * 16);
        var bias = Random(r, 32);
        var c = new float[rows * ldc];
        fixed (float* pa = a)
        fixed (float* p0 = w0)
        fixed (float* p1 = w1)
        fixed (float* pb = bias)
        fixed (float* pc = c)
        {
            if (rows == 7) WideMicrokernels.Block7(pa, kc, p0, p1, kc, pc, ldc, pb, true, -0.5f, 0.5f);
            else WideMicrokernels.Block6(pa, kc, p0, p1, kc, pc, ldc, pb, true, -0.5f, 0.5f);
        }

        for (int i = 0; i < rows; i++)
            for (int j = 0; j < 32; j++)
            {
                double s = bias[j];
                for (int d = 0; d < kc; d++) s += (double)a[i * kc + d] * (j < 16 ? w0[d * 16 + j] : w1[d * 16 + j - 16]);
                Assert.AreEqual(Math.Clamp(s, -0.5, 0.5), c[i * ldc + j], 1e-5, $"row {i}, column {j}");
            }

        for (int i = 0; i < rows; i++)
            for (int j = 32; j < ldc; j++)
                Assert.AreEqual(0f, c[i * ldc + j], $"row {i}, column {j} past the two panels is left alone");
    }

    [TestMethod]
    public void One_panel_matches_the_naive_product_plus_bias_clamped()
    {
        if (!WideMicrokernels.Supported) Assert.Inconclusive("no AVX-512 on this machine");
        var r = new Random(3);
        const int rows = 7, kc = 29, ldc = 20;
        var a = Random(r, rows * kc);
        var w = Random(r, kc * 16);
        var bias = Random(r, 16);
        var c = new float[rows * ldc];
        fixed (float* pa = a)
        fixed (float* pw = w)
        fixed (float* pb = bias)
        fixed (float* pc = c)
            WideMicrokernels.Block7Single(pa, kc, pw, kc, pc, ldc, pb, true, -0.5f, 0.5f);

        for (int i = 0; i < rows; i++)
            for (int j = 0; j < ldc; j++)
            {
                double s = bias[j % 16];
                for (int d = 0; d < kc; d++) s += (double)a[i * kc + d] * w[d * 16 + j % 16];
                Assert.AreEqual(j < 16 ? Math.Clamp(s, -0.5, 0.5) : 0, c[i * ldc + j], 1e-5, $"row {i}, column {j}");
            }
    }

    [TestMethod]
    [DataRow(true, DisplayName = "from the bias, clamped")]
    [DataRow(false, DisplayName = "accumulating onto C")]
    public void Sixteen_plus_eight_columns_match_the_naive_product_and_leave_the_columns_past_them_alone(bool fromBias)
    {
        if (!WideMicrokernels.Supported) Assert.Inconclusive("no AVX-512 on this machine");
        var r = new Random(fromBias ? 5 : 6);
        const int rows = 7, kc = 31, ldc = 30;
        var a = Random(r, rows * kc);
        var w0 = Random(r, kc * 16);
        var w1 = Random(r, kc * 16);
        var bias = Random(r, 32);
        var c = Random(r, rows * ldc);
        var before = (float[])c.Clone();
        float lo = fromBias ? -0.5f : float.NegativeInfinity, hi = fromBias ? 0.5f : float.PositiveInfinity;
        fixed (float* pa = a)
        fixed (float* p0 = w0)
        fixed (float* p1 = w1)
        fixed (float* pb = bias)
        fixed (float* pc = c)
            WideMicrokernels.Block7Tail8(pa, kc, p0, p1, kc, pc, ldc, fromBias ? pb : null, true, lo, hi);

        for (int i = 0; i < rows; i++)
            for (int j = 0; j < ldc; j++)
            {
                if (j >= 24)
                {
                    Assert.AreEqual(before[i * ldc + j], c[i * ldc + j], $"row {i}, column {j} past the 24 is left alone");
                    continue;
                }

                double s = fromBias ? bias[j] : before[i * ldc + j];
                for (int d = 0; d < kc; d++) s += (double)a[i * kc + d] * (j < 16 ? w0[d * 16 + j] : w1[d * 16 + j - 16]);
                Assert.AreEqual(Math.Clamp(s, lo, hi), c[i * ldc + j], 1e-5, $"row {i}, column {j}");
            }
    }

    [TestMethod]
    public void Accumulating_over_depth_blocks_gives_the_same_bits_as_the_256_bit_kernels()
    {
        // The same GEMM once through PackedGemm (two panels at a time) and once panel by panel, each output from the
        // same fused multiply-adds in the same order.
        if (!WideMicrokernels.Supported) Assert.Inconclusive("no AVX-512 on this machine");
        var r = new Random(8);
        const int rows = 12, n = 32, k = 300;
        var a = Random(r, rows * k);
        var gemm = new PackedGemm(Random(r, n * k), Random(r, n), n, k);
        var wide = new float[rows * n];
        var narrow = new float[rows * n];
        fixed (float* pa = a)
        fixed (float* pw = wide)
        fixed (float* pn = narrow)
            for (int k0 = 0; k0 < k; k0 += PackedGemm.DepthBlock)
            {
                int kc = Math.Min(PackedGemm.DepthBlock, k - k0);
                gemm.RunBlock(pa + k0, k, rows, k0, kc, pw, 0, 2, 0f, float.PositiveInfinity);
                gemm.RunBlock(pa + k0, k, rows, k0, kc, pn, 0, 1, 0f, float.PositiveInfinity);
                gemm.RunBlock(pa + k0, k, rows, k0, kc, pn, 1, 2, 0f, float.PositiveInfinity);
            }

        CollectionAssert.AreEqual(narrow, wide);
    }
}
