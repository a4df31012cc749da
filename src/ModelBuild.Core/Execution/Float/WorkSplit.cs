namespace ModelBuild.Core.Execution.Float;

/// <summary>
/// How a GEMM of <c>rows</c> × (<c>panels</c> × 16) is cut into parallel jobs: row ranges (whole row blocks) first;
/// when there are too few rows to give every core several jobs, the panels are split into groups as well. Each job
/// packs its rows once per depth block and reuses them for all of its panels.
/// </summary>
internal readonly record struct WorkSplit(int Rows, int Panels, int RowChunks, int PanelGroups)
{
    /// <summary>Rows a job should have at least, so its packed block is reused across enough panel columns.</summary>
    private const int MinRowsPerChunk = 16 * PackedGemm.RowBlock;

    public int Jobs => RowChunks * PanelGroups;

    public static WorkSplit For(int rows, int panels)
    {
        int wanted = 4 * Environment.ProcessorCount;
        int rowBlocks = (rows + PackedGemm.RowBlock - 1) / PackedGemm.RowBlock;
        int rowChunks = Math.Clamp(rowBlocks * PackedGemm.RowBlock / MinRowsPerChunk, 1, wanted);
        int panelGroups = Math.Clamp((wanted + rowChunks - 1) / rowChunks, 1, panels);
        return new WorkSplit(rows, panels, rowChunks, panelGroups);
    }

    /// <summary>Rows [R0, R1) (R0 a multiple of the row block) and panels [P0, P1) of job <paramref name="job"/>.</summary>
    public (int R0, int R1, int P0, int P1) Job(int job)
    {
        int chunk = job / PanelGroups, group = job % PanelGroups;
        int rowBlocks = (Rows + PackedGemm.RowBlock - 1) / PackedGemm.RowBlock;
        int r0 = (int)((long)rowBlocks * chunk / RowChunks) * PackedGemm.RowBlock;
        int r1 = Math.Min(Rows, (int)((long)rowBlocks * (chunk + 1) / RowChunks) * PackedGemm.RowBlock);
        int p0 = (int)((long)Panels * group / PanelGroups), p1 = (int)((long)Panels * (group + 1) / PanelGroups);
        return (r0, r1, p0, p1);
    }
}
