using ModelBuild.Core.Slicing;

namespace ModelBuild.Core.Tests.Slicing;

/// <summary>
/// The test oracle for minimality: dynamic programming over every way to place cuts at the given candidates,
/// independent of the greedy planner. Segments must fit the budget unless a single piece between two adjacent
/// candidates is over it on its own (such a piece is allowed, as the planner allows it).
/// </summary>
internal static class MinimalSegmentCount
{
    public static int Compute(IReadOnlyList<CutCandidate> candidates, long[] sizes, long budget)
    {
        // Positions: segment boundaries after node index p (candidate) plus the end.
        var ends = candidates.Select(c => c.NodeIndex).Append(sizes.Length - 1).ToArray();
        var prefix = new long[sizes.Length + 1];
        for (int i = 0; i < sizes.Length; i++) prefix[i + 1] = prefix[i] + sizes[i];
        long Span(int fromExclusive, int toInclusive) => prefix[toInclusive + 1] - prefix[fromExclusive + 1];

        // best[j]: fewest segments covering nodes 0..ends[j]; start = -1.
        var starts = new[] { -1 }.Concat(ends).ToArray();
        var best = new int[starts.Length];
        Array.Fill(best, int.MaxValue);
        best[0] = 0;
        for (int j = 1; j < starts.Length; j++)
            for (int i = 0; i < j; i++)
            {
                if (best[i] == int.MaxValue) continue;
                var span = Span(starts[i], starts[j]);
                int piecesWithParameters = 0;
                for (int p = i; p < j; p++)
                    if (Span(starts[p], starts[p + 1]) > 0) piecesWithParameters++;
                if (span <= budget || piecesWithParameters == 1) best[j] = Math.Min(best[j], best[i] + 1);
            }

        return best[^1];
    }
}
