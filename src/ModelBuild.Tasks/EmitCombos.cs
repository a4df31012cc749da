using Microsoft.Build.Framework;
using ModelBuild.Core.Artifacts;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Pipeline;

namespace ModelBuild.Tasks;

/// <summary>Lays out full_split/ and pairs_k2..K/ with meta.json and note.txt, then lists the files it wrote.</summary>
public sealed class EmitCombos : ModelBuildTask
{
    protected override string StepName => nameof(EmitCombos);

    protected override string Run(ITaskItem model, WorkDirectory work, IBuildLog log, CancellationToken cancel)
    {
        // The list marks a finished layout: remove it first so a failed run is never taken for up to date.
        if (File.Exists(work.LayoutList)) File.Delete(work.LayoutList);
        var files = EmitStep.Run(ModelItem.Settings(model), work.PlanFile, work.ModelsDirectory, work.TpuDirectory, work.LayoutDirectory, log, cancel);
        AtomicFiles.WriteAllText(work.LayoutList, string.Join("\n", files) + "\n");
        return $"{files.Count(f => f.EndsWith("/meta.json", StringComparison.Ordinal))} layout folders, {files.Count} files";
    }
}
