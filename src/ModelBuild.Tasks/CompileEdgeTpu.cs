using Microsoft.Build.Framework;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Pipeline;

namespace ModelBuild.Tasks;

/// <summary>Compiles every distinct model with edgetpu_compiler when it is available (EdgeTpu = Auto | Required | Off).</summary>
public sealed class CompileEdgeTpu : ModelBuildTask
{
    /// <summary>Per-model compiler timeout in seconds.</summary>
    public int TimeoutSeconds { get; set; } = 600;

    protected override string StepName => nameof(CompileEdgeTpu);

    protected override string Run(ITaskItem model, WorkDirectory work, IBuildLog log, CancellationToken cancel)
    {
        var results = EdgeTpuStep.Run(model.GetMetadata("FullPath"), work.ModelsDirectory, work.TpuDirectory, ModelItem.EdgeTpu(model),
            ModelItem.CompilerPath(model), TimeSpan.FromSeconds(TimeoutSeconds), log, cancel);
        return results.Models.Count == 0
            ? $"no compilation ({results.Default.Status})"
            : string.Join(", ", results.Models.Values.GroupBy(r => r.Status).Select(g => $"{g.Count()} {g.Key}"));
    }
}
