using System.Text.Json;
using ModelBuild.Core.Artifacts;
using ModelBuild.Core.Diagnostics;

namespace ModelBuild.Core.Pipeline;

/// <summary>
/// EmitCombos: lays out full_split/ and pairs_k2..K/ with meta.json and note.txt, then writes the list of layout
/// files (the step's completion marker and the SDK's list of artifacts).
/// </summary>
public static class EmitStep
{
    public static IReadOnlyList<string> Run(string modelFile, ModelSettings settings, WorkDirectory work, IBuildLog log, CancellationToken cancel = default)
    {
        if (File.Exists(work.LayoutList)) File.Delete(work.LayoutList);
        var plan = CutStep.ReadPlan(work);
        var calibration = File.Exists(work.CalibrationFile)
            ? JsonSerializer.Deserialize<CalibrationInfo>(File.ReadAllText(work.CalibrationFile))!
            : new CalibrationInfo(settings.CalibrationData ?? "synthetic", settings.CalibrationSamples, settings.Preprocessing ?? "none");
        var request = new LayoutRequest(plan, work.ModelsDirectory, work.LayoutDirectory,
            new SourceInfo(Path.GetFileName(modelFile), AtomicFiles.Sha256(modelFile)), settings.QuantizationName, calibration)
        {
            EdgeTpuDirectory = work.TpuDirectory,
            EdgeTpu = EdgeTpuStep.ReadResults(work),
            DefaultEdgeTpu = new EdgeTpuModelResult("skipped", Message: "not compiled."),
        };
        var files = LayoutWriter.Write(request, cancel);
        AtomicFiles.WriteAllText(work.LayoutList, string.Join("\n", files) + "\n");
        log.Progress($"{Path.GetFileName(modelFile)}: {plan.K} segments, {files.Count} files in {work.LayoutDirectory}");
        return files;
    }

    /// <summary>The layout files of the last finished EmitCombos step, or empty.</summary>
    public static IReadOnlyList<string> ReadLayoutList(WorkDirectory work) =>
        File.Exists(work.LayoutList)
            ? File.ReadAllLines(work.LayoutList).Where(l => l.Length > 0).ToList()
            : [];
}
