using ModelBuild.Core.Cache;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.EdgeTpu;
using ModelBuild.Core.Files;
using ModelBuild.Core.Layout;

namespace ModelBuild.Core.Pipeline;

/// <summary>
/// The last stage, Layout (the MSBuild task and target keep their public names EmitCombos and ModelBuildEmitCombos):
/// lay out full_split and pairs_k2..K with meta.json and note.txt.
/// </summary>
public static class LayoutStep
{
    public static IReadOnlyList<string> Run(ModelBuildSettings settings, WorkFolder work, string outputDirectory, IBuildLog log, CancellationToken cancel = default)
    {
        var plan = work.ReadPlan();
        var edgeTpu = work.ReadEdgeTpuResults();
        var request = new LayoutRequest(plan, work.StoreDirectory, outputDirectory,
            new SourceInfo(Path.GetFileName(settings.ModelFile), FileHashes.Sha256(settings.ModelFile)), // hashed once per build (cache keys)
            settings.QuantizationName, work.ReadCalibration())
        {
            EdgeTpuDirectory = work.EdgeTpuDirectory,
            EdgeTpu = edgeTpu.Models,
            DefaultEdgeTpu = edgeTpu.Default,
            EdgeTpuChecks = edgeTpu.Checks ?? new Dictionary<string, EdgeTpuCheckEntry>(),
            Accuracy = work.ReadAccuracy(),
        };
        var files = LayoutWriter.Write(request, cancel);
        log.Progress($"{Path.GetFileName(settings.ModelFile)}: laid out {plan.K} combos ({files.Count} files) in {outputDirectory}");
        return files;
    }
}
