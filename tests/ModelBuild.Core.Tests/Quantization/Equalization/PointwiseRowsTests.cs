using ModelBuild.Core.Quantization.Equalization;

namespace ModelBuild.Core.Tests.Quantization.Equalization;

[TestClass]
public sealed class PointwiseRowsTests
{
    /// <summary>One input, two rows (weights 1 and −1, no bias) before ReLU6, stored patches x = 1, 2, 8 (uncentred).</summary>
    private static PointwiseRows Rows(out double[] h)
    {
        var patches = new StoredPatches(1, 16);
        foreach (var v in new[] { 1f, 2f, 8f }) patches.Add([v]);
        h = [(1 + 4 + 64) / 3.0];
        return new PointwiseRows(patches, [1f, -1f], null, 2, (0f, 6f), [0.0], ActivationAware.PointwiseKappa);
    }

    [TestMethod]
    public void A_position_where_the_row_clips_contributes_kappa_squared_to_its_H()
    {
        var rows = Rows(out var h);
        double k2 = ActivationAware.PointwiseKappa * ActivationAware.PointwiseKappa;

        var h0 = rows.Hessian(0, h, new GramAccumulator(1));
        var h1 = rows.Hessian(1, h, new GramAccumulator(1));

        Assert.AreEqual((1 + 4 + k2 * 64) / 3, h0[0], 1e-9, "row 0: 1 and 2 pass, 8 clips");
        Assert.AreEqual(k2 * 69 / 3, h1[0], 1e-9, "row 1: every pre-activation is negative");
    }

    [TestMethod]
    public void The_clip_share_counts_the_clipped_row_and_patch_pairs()
    {
        Assert.AreEqual(4 / 6.0, Rows(out _).ClipShare, 1e-12);
    }

    [TestMethod]
    public void The_error_from_the_patches_equals_d_h_d_of_the_rows_H()
    {
        var rows = Rows(out var h);
        double[] d = [0.003];

        var (error, trace) = rows.Error(0, d, h);

        double h0 = rows.Hessian(0, h, new GramAccumulator(1))[0];
        Assert.AreEqual(h0 * d[0] * d[0], error, 1e-15);
        Assert.AreEqual(h0, trace, 1e-9);
    }
}
