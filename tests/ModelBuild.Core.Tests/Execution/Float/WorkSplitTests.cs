using ModelBuild.Core.Execution.Float;

namespace ModelBuild.Core.Tests.Execution.Float;

/// <summary>The parallel jobs of a packed GEMM cover every row and panel exactly once, rows cut at whole row blocks.</summary>
[TestClass]
public sealed class WorkSplitTests
{
    [TestMethod]
    [DataRow(1, 1)]
    [DataRow(7, 3)]
    [DataRow(49, 5)]
    [DataRow(966, 3)]
    [DataRow(12544, 4)]
    [DataRow(100, 64)]
    public void Jobs_cover_every_row_and_panel_exactly_once(int rows, int panels)
    {
        var split = WorkSplit.For(rows, panels);
        var covered = new int[rows, panels];
        for (int job = 0; job < split.Jobs; job++)
        {
            var (r0, r1, p0, p1) = split.Job(job);
            for (int r = r0; r < r1; r++)
                for (int p = p0; p < p1; p++) covered[r, p]++;
        }

        for (int r = 0; r < rows; r++)
            for (int p = 0; p < panels; p++)
                Assert.AreEqual(1, covered[r, p], $"row {r}, panel {p}");
    }

    [TestMethod]
    [DataRow(49, 5)]
    [DataRow(966, 3)]
    public void Every_job_starts_at_a_whole_row_block(int rows, int panels)
    {
        var split = WorkSplit.For(rows, panels);
        for (int job = 0; job < split.Jobs; job++)
            Assert.AreEqual(0, split.Job(job).R0 % PackedGemm.RowBlock, $"job {job}");
    }

    [TestMethod]
    public void Few_rows_split_the_panels_into_groups_instead()
    {
        // 6 rows are one row block: the only way to give the cores work is by panels.
        var split = WorkSplit.For(6, 40);
        Assert.AreEqual(1, split.RowChunks);
        Assert.IsGreaterThan(1, split.PanelGroups);
    }
}
