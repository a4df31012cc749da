namespace ModelBuild.Core.Tests;

/// <summary>
/// The dependency rule of ModelBuild.Core (docs/ARCHITECTURE.md): every namespace has a rank and may use only
/// namespaces of a lower or equal rank. Ranks 0-2 are the vocabulary every stage speaks; ranks 3-8 are the stages in
/// pipeline order.
/// </summary>
internal static class StageOrder
{
    /// <summary>Top-level namespaces under ModelBuild.Core with their rank; a sub-namespace has its parent's rank.</summary>
    public static readonly IReadOnlyDictionary<string, int> Ranks = new Dictionary<string, int>
    {
        ["Diagnostics"] = 0,
        ["Files"] = 0,
        // The model cache keys, stores and restores files; the steps' key recipes are in Pipeline (StepCacheKeys).
        ["Cache"] = 0,
        ["Graph"] = 1,
        // One rank: an operator definition carries its kernels and its TFLite codes, and the executors, the
        // writer and the reader look definitions up.
        ["Operators"] = 2,
        ["Execution"] = 2,
        ["TfLite"] = 2,
        ["Keras"] = 3,
        ["Synthesis"] = 3,
        ["Quantization"] = 4,
        ["Slicing"] = 5,
        ["EdgeTpu"] = 6,
        ["Layout"] = 7,
        ["Pipeline"] = 8,
    };

    /// <summary>The stage name of a namespace (ModelBuild.Core.Quantization.Calibration → Quantization); null outside ModelBuild.Core.</summary>
    public static string? StageOf(string? ns)
    {
        const string root = "ModelBuild.Core.";
        if (ns is null || !ns.StartsWith(root, StringComparison.Ordinal))
            return null;
        var rest = ns[root.Length..];
        var dot = rest.IndexOf('.');
        return dot < 0 ? rest : rest[..dot];
    }

    /// <summary>Null when <paramref name="user"/> may use <paramref name="used"/>, else why not.</summary>
    public static string? Violation(string user, string used)
    {
        if (!Ranks.TryGetValue(user, out var userRank))
            return $"namespace ModelBuild.Core.{user} has no rank: add it to StageOrder.Ranks and docs/ARCHITECTURE.md";
        if (!Ranks.TryGetValue(used, out var usedRank))
            return $"namespace ModelBuild.Core.{used} has no rank: add it to StageOrder.Ranks and docs/ARCHITECTURE.md";
        return usedRank > userRank ? $"{user} (rank {userRank}) uses the later stage {used} (rank {usedRank})" : null;
    }
}
