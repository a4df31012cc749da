namespace ModelBuild.Core.Slicing;

/// <summary>One distinct model to produce: a segment, or a tail merging segments <see cref="FirstSegment"/>..K.</summary>
public sealed record PlannedModel(string FileName, int FirstSegment, int LastSegment, string? FromTensor, string? ToTensor);

/// <summary>A deployment configuration: its folder name and its models in the order they run.</summary>
public sealed record PlannedCombo(string Folder, int K, IReadOnlyList<PlannedModel> Models);

/// <summary>
/// The combos of a plan: for k = 2..K, segments 1..k-1 then one tail model running segments k..K;
/// <c>full_split</c> is every segment on its own (the same models as k = K).
/// </summary>
public static class ComboPlan
{
    /// <summary>The combo of every segment on its own.</summary>
    public const string FullSplitFolder = "full_split";

    public static string SegmentFile(int i) => $"seg{i}_int8.tflite";

    public static string TailFile(int k, int K) => $"tail_seg{k}_to_{K}_int8.tflite";

    public static IReadOnlyList<PlannedCombo> Build(CutPlan plan)
    {
        int K = plan.K;
        var segs = plan.Segments.Select(s => new PlannedModel(SegmentFile(s.Index), s.Index, s.Index, s.FromTensor, s.ToTensor)).ToList();
        var combos = new List<PlannedCombo> { new(FullSplitFolder, K, segs) };
        for (int k = 2; k <= K; k++)
        {
            var models = segs.Take(k - 1).ToList();
            models.Add(new PlannedModel(TailFile(k, K), k, K, plan.Segments[k - 1].FromTensor, null));
            combos.Add(new PlannedCombo($"pairs_k{k}", k, models));
        }

        return combos;
    }

    /// <summary>Every distinct model the combos use (segments and tails), each once.</summary>
    public static IReadOnlyList<PlannedModel> DistinctModels(IReadOnlyList<PlannedCombo> combos) =>
        combos.SelectMany(c => c.Models).DistinctBy(m => m.FileName).ToList();
}
