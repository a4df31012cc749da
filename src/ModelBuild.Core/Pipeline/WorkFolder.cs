using System.Text.Json;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.EdgeTpu;
using ModelBuild.Core.Layout;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.Slicing;

namespace ModelBuild.Core.Pipeline;

/// <summary>
/// One KerasModel's work folder (<c>obj/…/ModelBuild/&lt;name&gt;/</c> in a build, <c>&lt;out&gt;/obj/&lt;name&gt;/</c> for the
/// CLI): the one place that names its files and reads them back for the next step.
/// <code>
/// step (task)                  reads                                   writes
/// CutStep (CutModel)           the .h5                                 plan.json
/// ConvertStep (ConvertInt8)    the .h5, plan.json, calibration data    models/ (*.tflite, models.json, calibration.json)
/// EdgeTpuStep (CompileEdgeTpu) models/                                 tpu/ (*_edgetpu.tflite, *_edgetpu.log, edgetpu.json)
/// LayoutStep (EmitCombos)      plan.json, models/, tpu/                the layout folder (full_split/, pairs_kN/)
/// </code>
/// models/ and tpu/ are written into a staging folder and swapped in whole; plan.json is written atomically.
/// </summary>
public sealed record WorkFolder(string Root)
{
    public const string PlanFileName = "plan.json";
    public const string StoreFolderName = "models";
    public const string StoreManifestFileName = ModelStore.ManifestFile;
    public const string CalibrationFileName = "calibration.json";
    public const string AccuracyFileName = "accuracy.json";
    public const string EdgeTpuFolderName = "tpu";
    public const string EdgeTpuResultsFileName = "edgetpu.json";
    public const string LayoutFolderName = "layout";

    /// <summary>The file whose presence marks a finished layout (the MSBuild target's output).</summary>
    public const string LayoutMarkerPath = ComboPlan.FullSplitFolder + "/" + ComboMeta.FileName;

    /// <summary>Settings stamps (WriteModelBuildStamps): a step reruns when its stamp's content changed.</summary>
    public const string CutStampFileName = "cut.stamp", ConvertStampFileName = "convert.stamp", EdgeTpuStampFileName = "tpu.stamp";

    public string PlanFile => Path.Combine(Root, PlanFileName);

    public string StoreDirectory => Path.Combine(Root, StoreFolderName);

    public string EdgeTpuDirectory => Path.Combine(Root, EdgeTpuFolderName);

    /// <summary>Where the MSBuild targets lay a model out before copying it to the output folder.</summary>
    public string LayoutDirectory(string outputSubdirectory) => Path.Combine(Root, LayoutFolderName, outputSubdirectory);

    /// <summary>The plan CutStep wrote; MB5001 when it is missing.</summary>
    public CutPlan ReadPlan()
    {
        if (!File.Exists(PlanFile))
            throw new ModelBuildException("MB5001", PlanFile, "plan.json is missing: the CutModel step did not run or failed; build again.");
        return CutPlan.FromJson(File.ReadAllText(PlanFile));
    }

    /// <summary>What ConvertStep calibrated with ("unknown" for a store written without it).</summary>
    public CalibrationInfo ReadCalibration()
    {
        var path = Path.Combine(StoreDirectory, CalibrationFileName);
        return File.Exists(path) ? JsonSerializer.Deserialize<CalibrationInfo>(File.ReadAllText(path))! : new CalibrationInfo("unknown", 0, "none");
    }

    /// <summary>The accuracy report ConvertStep left in the store, or null (a store written before reports existed).</summary>
    public StoredAccuracy? ReadAccuracy()
    {
        var path = Path.Combine(StoreDirectory, AccuracyFileName);
        return File.Exists(path) ? JsonSerializer.Deserialize<StoredAccuracy>(File.ReadAllText(path)) : null;
    }

    /// <summary>What EdgeTpuStep recorded ("off" for every model when it did not run).</summary>
    public EdgeTpuResults ReadEdgeTpuResults()
    {
        var path = Path.Combine(EdgeTpuDirectory, EdgeTpuResultsFileName);
        if (!File.Exists(path)) return new EdgeTpuResults(new EdgeTpuModelResult("off"), new Dictionary<string, EdgeTpuModelResult>());
        return JsonSerializer.Deserialize<EdgeTpuResults>(File.ReadAllText(path))!;
    }

    internal static void WriteCalibration(string storeDirectory, CalibrationInfo calibration) =>
        Files.AtomicFiles.WriteAllText(Path.Combine(storeDirectory, CalibrationFileName), JsonSerializer.Serialize(calibration));

    internal static void WriteAccuracy(string storeDirectory, StoredAccuracy accuracy) =>
        Files.AtomicFiles.WriteAllText(Path.Combine(storeDirectory, AccuracyFileName), JsonSerializer.Serialize(accuracy));

    internal static void WriteEdgeTpuResults(string edgeTpuDirectory, EdgeTpuResults results) =>
        Files.AtomicFiles.WriteAllText(Path.Combine(edgeTpuDirectory, EdgeTpuResultsFileName), JsonSerializer.Serialize(results));
}
