using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using ModelBuild.Core.Artifacts;
using ModelBuild.Core.EdgeTpu;
using ModelBuild.Core.Pipeline;
using Task = Microsoft.Build.Utilities.Task;

namespace ModelBuild.Tasks;

/// <summary>
/// Cheap bookkeeping before the pipeline targets (never reads a model): gives each KerasModel item its work
/// directory and output paths as metadata, writes its settings stamp only when the settings changed (so the
/// targets' Inputs/Outputs see metadata changes), and forgets a step whose listed outputs were deleted (so the
/// step runs again).
/// </summary>
public sealed class PrepareKerasModels : Task
{
    private static readonly string[] SettingNames =
        ["BudgetMiB", "Quantization", "CalibrationData", "CalibrationSamples", "Preprocessing", "Cuts", "EdgeTpu", "EdgeTpuCompilerPath"];

    [Required]
    public ITaskItem[] KerasModels { get; set; } = [];

    /// <summary>obj/…/modelbuild/: one work directory per model below it.</summary>
    [Required]
    public string IntermediateDirectory { get; set; } = "";

    /// <summary>The project's folder: relative CalibrationData paths start here.</summary>
    [Required]
    public string ProjectDirectory { get; set; } = "";

    /// <summary>Project-wide compiler path, used by items that do not set EdgeTpuCompilerPath themselves.</summary>
    public string? EdgeTpuCompilerPath { get; set; }

    [Output]
    public ITaskItem[] Models { get; set; } = [];

    public override bool Execute()
    {
        var models = new List<ITaskItem>();
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var source in KerasModels)
        {
            var fullPath = source.GetMetadata("FullPath");
            var sub = source.GetMetadata("OutputSubdirectory");
            if (string.IsNullOrWhiteSpace(sub)) sub = source.GetMetadata("Filename");
            sub = sub.Replace('\\', '/').Trim('/');
            if (sub.Length == 0 || Path.IsPathRooted(sub) || sub.Split('/').Contains(".."))
            {
                Log.LogError("ModelBuild", "MB5006", null, fullPath, 0, 0, 0, 0, $"OutputSubdirectory='{sub}' must be a relative folder name inside the output directory.");
                continue;
            }

            if (seen.TryGetValue(sub, out var other))
            {
                Log.LogError("ModelBuild", "MB5007", null, fullPath, 0, 0, 0, 0,
                    $"two KerasModel items write to the same OutputSubdirectory '{sub}' (also {other}); give one of them another OutputSubdirectory.");
                continue;
            }

            seen[sub] = fullPath;
            var item = new TaskItem(fullPath);
            source.CopyMetadataTo(item);
            if (string.IsNullOrWhiteSpace(item.GetMetadata("EdgeTpuCompilerPath")) && !string.IsNullOrWhiteSpace(EdgeTpuCompilerPath))
                item.SetMetadata("EdgeTpuCompilerPath", EdgeTpuCompilerPath);
            var work = new WorkDirectory(Path.GetFullPath(Path.Combine(IntermediateDirectory, sub)), Path.GetFileName(sub));
            item.SetMetadata("OutputSubdirectory", sub);
            item.SetMetadata("WorkDirectory", work.Root);
            item.SetMetadata("StampFile", Path.Combine(work.Root, "settings.stamp"));
            item.SetMetadata("PlanFile", work.PlanFile);
            item.SetMetadata("ModelsManifest", work.ModelsManifest);
            item.SetMetadata("TpuResultsFile", work.TpuResultsFile);
            item.SetMetadata("LayoutDirectory", work.LayoutDirectory);
            item.SetMetadata("LayoutList", work.LayoutList);
            var calibration = item.GetMetadata("CalibrationData");
            if (!string.IsNullOrWhiteSpace(calibration))
                item.SetMetadata("CalibrationData", Path.GetFullPath(Path.Combine(ProjectDirectory, calibration.Trim())));
            item.SetMetadata("CalibrationInputs", string.Join(";", CalibrationInputs(item.GetMetadata("CalibrationData"))));

            Directory.CreateDirectory(work.Root);
            if (AtomicFiles.WriteIfChanged(item.GetMetadata("StampFile"), Stamp(item)))
                Log.LogMessage(MessageImportance.Low, $"ModelBuild: settings of {Path.GetFileName(fullPath)} changed; its steps will run.");
            ForgetIncompleteSteps(work);
            models.Add(item);
        }

        Models = models.ToArray();
        return !Log.HasLoggedErrors;
    }

    private string Stamp(ITaskItem item)
    {
        var lines = SettingNames.Select(n => $"{n}={item.GetMetadata(n)}").ToList();
        // Installing (or removing) the compiler changes what CompileEdgeTpu produces.
        lines.Add($"EdgeTpuCompiler={EdgeTpuCompilerLocator.Find(ModelItem.CompilerPath(item))}");
        lines.Add($"OutputSubdirectory={item.GetMetadata("OutputSubdirectory")}");
        return string.Join("\n", lines) + "\n";
    }

    /// <summary>A deleted intermediate output makes its step, and so every later one, run again.</summary>
    private void ForgetIncompleteSteps(WorkDirectory work)
    {
        if (File.Exists(work.ModelsManifest))
        {
            try
            {
                if (ModelStore.ReadManifest(work.ModelsDirectory).Any(m => !File.Exists(Path.Combine(work.ModelsDirectory, m.File))))
                    File.Delete(work.ModelsManifest);
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or Core.Diagnostics.ModelBuildException)
            {
                File.Delete(work.ModelsManifest);
            }
        }

        if (File.Exists(work.LayoutList) && work.ReadLayoutList().Any(f => !File.Exists(Path.Combine(work.LayoutDirectory, f))))
        {
            Log.LogMessage(MessageImportance.Normal, $"ModelBuild: an output in {work.LayoutDirectory} was deleted; EmitCombos will run again.");
            File.Delete(work.LayoutList);
        }
    }

    private static IEnumerable<string> CalibrationInputs(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) return [];
        if (Directory.Exists(path)) return Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal);
        return File.Exists(path) ? [path] : [];
    }
}
