using Microsoft.Build.Framework;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Pipeline;

namespace ModelBuild.Tasks;

/// <summary>Compiles every distinct model with edgetpu_compiler when it is available (EdgeTpu = Auto | Required | Off).</summary>
public sealed class CompileEdgeTpu : ModelBuildTask
{
    protected override string StepName => nameof(CompileEdgeTpu);

    protected override string Run(string modelFile, ModelSettings settings, WorkDirectory work, IBuildLog log, CancellationToken cancel)
    {
        var results = EdgeTpuStep.Run(modelFile, settings, work, log, cancel);
        var byStatus = results.Values.GroupBy(r => r.Status).Select(g => $"{g.Count()} {g.Key}");
        return string.Join(", ", byStatus);
    }
}
