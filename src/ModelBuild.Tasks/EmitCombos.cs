using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Pipeline;

namespace ModelBuild.Tasks;

/// <summary>Lays out full_split/ and pairs_k2..K/ with meta.json and note.txt.</summary>
public sealed class EmitCombos : ModelBuildTask
{
    protected override string StepName => nameof(EmitCombos);

    protected override string Run(string modelFile, ModelSettings settings, WorkDirectory work, IBuildLog log, CancellationToken cancel)
    {
        var files = EmitStep.Run(modelFile, settings, work, log, cancel);
        return $"{files.Count(f => f.EndsWith("/meta.json", StringComparison.Ordinal))} layout folders, {files.Count} files";
    }
}
