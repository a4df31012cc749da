using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Slicing;

/// <summary>
/// Cuts a model into the fewest segments whose quantized parameters each fit a budget. Greedy along the
/// topological order: a segment grows until the next node would overflow it, then is cut at the last candidate
/// reached. Block outputs (<c>*_out</c>) are preferred; inside a block too big for the budget every finer
/// candidate is used; a piece that still does not fit becomes a segment of its own, with warning MB2002
/// (parameter-free ops next to it, such as pooling, stay with it rather than forming empty segments).
/// Cutting as late as possible is optimal for additive sizes, so K is the minimum the candidates allow.
/// </summary>
public static class BudgetPlanner
{
    public static CutPlan Plan(ModelGraph floatGraph, double budgetMiB, PlannerOptions? options = null, IBuildLog? log = null)
    {
        options ??= new PlannerOptions();
        var file = options.SourceFile;
        if (double.IsNaN(budgetMiB) || double.IsInfinity(budgetMiB) || budgetMiB <= 0)
            throw new ModelBuildException("MB2001", file, $"the budget must be a positive number of MiB (got {budgetMiB}); set BudgetMiB, e.g. BudgetMiB=\"7\".");

        var all = CutCandidates.Find(floatGraph, options.CandidatePattern);
        var sizes = SizeModel.NodeBytes(floatGraph, options.PerChannel);
        var budget = (long)Math.Floor(budgetMiB * 1024 * 1024);
        var warnings = new List<string>();

        List<CutCandidate> cuts;
        string method;
        if (options.Cuts is { Count: > 0 } explicitCuts)
        {
            cuts = ValidateExplicit(floatGraph, all, explicitCuts, file);
            method = "explicit";
        }
        else
        {
            cuts = Greedy(all, sizes, budget);
            method = "greedy";
        }

        var segments = BuildSegments(floatGraph, cuts, sizes);
        foreach (var s in segments.Where(s => s.ParamBytes > budget))
        {
            var message = $"segment {s.Index} ({Describe(s)}) holds {s.ParamMiB:F2} MiB of parameters, over the {budgetMiB} MiB budget: "
                          + "no cut point splits it further. It will not fit the Edge TPU's on-chip memory and will stream parameters; "
                          + "raise BudgetMiB or restructure that part of the model.";
            warnings.Add("MB2002: " + message);
            log?.Warning("MB2002", file, message);
        }

        return new CutPlan(floatGraph.Name, budgetMiB, options.PerChannel, method,
            cuts.Select(c => new PlannedCut(c.Name, c.Tensor.Shape)).ToList(), segments, warnings);
    }

    /// <summary>
    /// The greedy cut list: among block boundaries when a model has them, falling back to every candidate only
    /// inside spans between two boundaries that exceed the budget.
    /// </summary>
    internal static List<CutCandidate> Greedy(IReadOnlyList<CutCandidate> all, long[] sizes, long budget)
    {
        var preferred = all.Where(c => c.IsBlockBoundary).ToList();
        if (preferred.Count == 0) return GreedyOver(all, sizes, budget, 0, sizes.Length);

        var result = new List<CutCandidate>();
        var boundaries = new List<int> { -1 };
        boundaries.AddRange(preferred.Select(c => c.NodeIndex));
        boundaries.Add(sizes.Length - 1);
        // Decide the greedy over boundaries, but where a span between consecutive boundaries is itself over
        // budget, open it up to its finer candidates.
        var usable = new List<CutCandidate>();
        for (int b = 0; b + 1 < boundaries.Count; b++)
        {
            int from = boundaries[b] + 1, to = boundaries[b + 1];
            long span = 0;
            for (int i = from; i <= to; i++) span += sizes[i];
            if (span > budget) usable.AddRange(all.Where(c => c.NodeIndex >= from && c.NodeIndex < to && !c.IsBlockBoundary));
            if (b + 1 < boundaries.Count - 1) usable.Add(preferred[b]);
        }

        usable.Sort((x, y) => x.NodeIndex.CompareTo(y.NodeIndex));
        result.AddRange(GreedyOver(usable, sizes, budget, 0, sizes.Length));
        return result;
    }

    private static List<CutCandidate> GreedyOver(IReadOnlyList<CutCandidate> candidates, long[] sizes, long budget, int start, int end)
    {
        var cuts = new List<CutCandidate>();
        long current = 0; // bytes since the segment start
        CutCandidate? lastReached = null;
        long sinceLast = 0; // bytes after lastReached
        int ci = 0;
        for (int i = start; i < end; i++)
        {
            if (sizes[i] > 0 && current + sizes[i] > budget && current > 0 && lastReached is not null)
            {
                cuts.Add(lastReached);
                current = sinceLast;
                lastReached = null;
                sinceLast = 0;
            }

            current += sizes[i];
            sinceLast += sizes[i];
            while (ci < candidates.Count && candidates[ci].NodeIndex < i) ci++;
            if (ci < candidates.Count && candidates[ci].NodeIndex == i)
            {
                lastReached = candidates[ci];
                sinceLast = 0;
            }
        }

        return cuts;
    }

    private static List<CutCandidate> ValidateExplicit(ModelGraph graph, IReadOnlyList<CutCandidate> all, IReadOnlyList<string> names, string? file)
    {
        var byName = all.ToDictionary(c => c.Name);
        var result = new List<CutCandidate>();
        foreach (var name in names)
        {
            if (!byName.TryGetValue(name, out var c))
            {
                var exists = graph.Tensors.Any(t => t.Name == name);
                var sample = string.Join(", ", all.Take(8).Select(x => x.Name));
                throw new ModelBuildException("MB2003", file, exists
                    ? $"Cuts: '{name}' is not a place the model can be cut (a sub-model cannot start from it alone: a branch passes around it, or it is not a 4-D feature map); candidates include {sample}."
                    : $"Cuts: there is no tensor named '{name}' in the model; candidates include {sample}.");
            }

            if (result.Count > 0 && c.NodeIndex <= result[^1].NodeIndex)
                throw new ModelBuildException("MB2004", file, $"Cuts: '{name}' comes before '{result[^1].Name}' in the model; list the cuts from input to output, each once.");
            result.Add(c);
        }

        return result;
    }

    private static List<PlannedSegment> BuildSegments(ModelGraph graph, List<CutCandidate> cuts, long[] sizes)
    {
        var segments = new List<PlannedSegment>();
        int start = 0;
        for (int s = 0; s <= cuts.Count; s++)
        {
            int end = s < cuts.Count ? cuts[s].NodeIndex : graph.Nodes.Count - 1;
            long bytes = 0;
            for (int i = start; i <= end; i++) bytes += sizes[i];
            segments.Add(new PlannedSegment(s + 1, s == 0 ? null : cuts[s - 1].Name, s < cuts.Count ? cuts[s].Name : null,
                graph.Nodes[start].Name, graph.Nodes[end].Name, end - start + 1, bytes));
            start = end + 1;
        }

        return segments;
    }

    private static string Describe(PlannedSegment s) => $"from {s.FromTensor ?? "the model input"} to {s.ToTensor ?? "the model output"}";
}
