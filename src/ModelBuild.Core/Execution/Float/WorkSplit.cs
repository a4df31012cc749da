namespace ModelBuild.Core.Execution.Float;

/// <summary>
/// How a GEMM of <c>rows</c> × (<c>panels</c> × 16) is cut into parallel jobs: row ranges first, cut at multiples of
/// <see cref="PackedGemm.RowAlignment"/> (whole row blocks of both microkernels, so a row count that is a multiple of 7
/// stays one in every job);
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
        int units = (rows + PackedGemm.RowAlignment - 1) / PackedGemm.RowAlignment;
        int rowChunks = Math.Clamp(Math.Min(units, rows / MinRowsPerChunk), 1, wanted);
        int panelGroups = Math.Clamp((wanted + rowChunks - 1) / rowChunks, 1, panels);
        return new WorkSplit(rows, panels, rowChunks, panelGroups);
    }

    /// <summary>Rows [R0, R1) (R0 a multiple of <see cref="PackedGemm.RowAlignment"/>) and panels [P0, P1) of job <paramref name="job"/>.</summary>
    public (int R0, int R1, int P0, int P1) Job(int job)
    {
        int chunk = job / PanelGroups, group = job % PanelGroups;
        int units = (Rows + PackedGemm.RowAlignment - 1) / PackedGemm.RowAlignment;
        int r0 = (int)((long)units * chunk / RowChunks) * PackedGemm.RowAlignment;
        int r1 = Math.Min(Rows, (int)((long)units * (chunk + 1) / RowChunks) * PackedGemm.RowAlignment);
        int p0 = (int)((long)Panels * group / PanelGroups), p1 = (int)((long)Panels * (group + 1) / PanelGroups);
        return (r0, r1, p0, p1);
    }
}
