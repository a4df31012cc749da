using Microsoft.Build.Framework;
using ModelBuild.Core.Pipeline;

namespace ModelBuild.Tasks;

/// <summary>Reads a Keras model (.keras or .h5) and plans its segments under BudgetMiB; writes plan.json.</summary>
public sealed class CutModel : CachedModelBuildTask
{
    public string? BudgetMiB { get; set; }
    public string? Quantization { get; set; }
    public string? Cuts { get; set; }
    public string? CutCandidates { get; set; }

    /// <summary>K: how many segments the plan has (for binary logs and targets after this one).</summary>
    [Output] public int SegmentCount { get; private set; }

    /// <summary>The tensors the model is cut at, in order.</summary>
    [Output] public string[] CutTensors { get; private set; } = [];

    protected override void Run()
    {
        var plan = CutStep.Run(ModelItemSettings.Parse(ModelFile, BudgetMiB, Quantization, Cuts, CutCandidates), Work, BuildLog, Cancellation, Cache);
        SegmentCount = plan.K;
        CutTensors = plan.Cuts.Select(c => c.Tensor).ToArray();
    }
}
