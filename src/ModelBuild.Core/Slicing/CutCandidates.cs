using System.Text.RegularExpressions;
using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Slicing;

/// <summary>Finds the places a model can be cut into independent, contiguous sub-models.</summary>
public static class CutCandidates
{
    /// <summary>
    /// Every 4-D tensor that is the only runtime tensor crossing from the nodes up to its producer to the nodes after
    /// it, in topological order. Model inputs and outputs are not candidates.
    /// </summary>
    /// <param name="namePattern">Optional regular expression; only matching tensor names are kept.</param>
    public static IReadOnlyList<CutCandidate> Find(ModelGraph graph, string? namePattern = null)
    {
        var regex = string.IsNullOrEmpty(namePattern) ? null : new Regex(namePattern, RegexOptions.CultureInvariant);
        var lastRead = new Dictionary<Tensor, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < graph.Nodes.Count; i++)
            foreach (var t in graph.Nodes[i].Inputs)
                if (t is { IsConstant: false }) lastRead[t] = i;
        foreach (var t in graph.Outputs) lastRead[t] = int.MaxValue;

        var result = new List<CutCandidate>();
        // live: runtime tensors produced (or fed) so far that a later node still reads.
        var live = new HashSet<Tensor>(graph.Inputs.Where(lastRead.ContainsKey), ReferenceEqualityComparer.Instance);
        for (int i = 0; i < graph.Nodes.Count - 1; i++)
        {
            var node = graph.Nodes[i];
            foreach (var t in node.Inputs)
                if (t is { IsConstant: false } && lastRead.TryGetValue(t, out var last) && last <= i) live.Remove(t);
            foreach (var t in node.Outputs)
                if (lastRead.TryGetValue(t, out var last) && last > i) live.Add(t);

            if (live.Count != 1) continue;
            var cut = node.Outputs.Count == 1 ? node.Outputs[0] : null;
            if (cut is null || !live.Contains(cut) || cut.Rank != 4 || graph.Outputs.Contains(cut)) continue;
            if (regex is not null && !regex.IsMatch(cut.Name)) continue;
            result.Add(new CutCandidate(cut, i, cut.Name.EndsWith("_out", StringComparison.Ordinal)));
        }

        return result;
    }
}
