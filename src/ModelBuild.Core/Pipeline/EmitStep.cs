using ModelBuild.Core.Artifacts;
using ModelBuild.Core.Diagnostics;

namespace ModelBuild.Core.Pipeline;

/// <summary>EmitCombos: lay out full_split and pairs_k2..K with meta.json and note.txt.</summary>
public static class EmitStep
{
    public static IReadOnlyList<string> Run(ModelBuildSettings settings, string planFile, string storeDirectory, string? edgeTpuDirectory, string outputDirectory, IBuildLog log, CancellationToken cancel = default)
    {
        var plan = CutStep.ReadPlan(planFile);
        var edgeTpu = EdgeTpuStep.ReadResults(edgeTpuDirectory);
        var request = new LayoutRequest(plan, storeDirectory, outputDirectory,
            new SourceInfo(Path.GetFileName(settings.ModelFile), Cache.FileHashes.Sha256(settings.ModelFile)), // hashed once per build (cache keys)
            settings.QuantizationName, ConvertStep.ReadCalibration(storeDirectory))
        {
            EdgeTpuDirectory = edgeTpuDirectory,
            EdgeTpu = edgeTpu.Models,
            DefaultEdgeTpu = edgeTpu.Default,
            EdgeTpuChecks = edgeTpu.Checks ?? new Dictionary<string, EdgeTpuCheckEntry>(),
        };
        var files = LayoutWriter.Write(request, cancel);
        log.Progress($"{Path.GetFileName(settings.ModelFile)}: laid out {plan.K} combos ({files.Count} files) in {outputDirectory}");
        return files;
    }
}
