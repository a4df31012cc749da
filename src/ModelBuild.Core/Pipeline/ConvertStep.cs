using System.Diagnostics;
using System.Text.Json;
using ModelBuild.Core.Artifacts;
using ModelBuild.Core.Cache;
using ModelBuild.Core.Calibration;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Quantization;

namespace ModelBuild.Core.Pipeline;

/// <summary>ConvertInt8: calibrate the float model once, quantize it, write every distinct segment and tail.</summary>
public static class ConvertStep
{
    public const string CalibrationFile = "calibration.json";

    public static IReadOnlyList<ModelFileInfo> Run(ModelBuildSettings settings, string planFile, string storeDirectory, IBuildLog log, CancellationToken cancel = default, ModelCache? cache = null)
    {
        var cached = CachedStep.Start(cache, c => StepCacheKeys.Int8(settings, planFile, c), settings.ModelFile, log);
        if (cached.TryRestoreDirectory(storeDirectory)) return ModelStore.ReadManifest(storeDirectory);
        var models = Build(settings, planFile, storeDirectory, cached, cancel);
        cached.PublishDirectory(storeDirectory);
        return models;
    }

    private static IReadOnlyList<ModelFileInfo> Build(ModelBuildSettings settings, string planFile, string storeDirectory, IBuildLog log, CancellationToken cancel)
    {
        var plan = CutStep.ReadPlan(planFile);
        var graph = ModelGraphHandoff.Read(settings.ModelFile);
        var name = Path.GetFileName(settings.ModelFile);
        var options = new CalibrationOptions { Preprocessing = settings.Preprocessing, MaxSamples = settings.CalibrationSamples };
        var clock = Stopwatch.StartNew();
        int count = 0;
        var samples = CalibrationDataLoader.Load(settings.CalibrationData, graph.Inputs[0].Shape, options, log, settings.ModelFile)
            .Select(s =>
            {
                cancel.ThrowIfCancellationRequested();
                count++;
                return s;
            });
        log.Progress($"{name}: calibrating with up to {options.MaxSamples} samples from {CalibrationDataLoader.Describe(settings.CalibrationData)}");
        var ranges = Calibrator.Calibrate(graph, samples, log);
        log.Progress($"{name}: calibrated on {count} samples in {clock.Elapsed.TotalSeconds:F1} s");
        cancel.ThrowIfCancellationRequested();

        var int8 = Quantizer.Quantize(graph, ranges, new QuantizationOptions { PerChannel = settings.PerChannel });
        // The float model and the calibration executor's packed weights (together about twice the .h5) are done
        // with: free them now, so the model store's write buffers reuse that memory instead of raising the peak.
        graph = null!;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: false);
        var staging = storeDirectory.TrimEnd('/', '\\') + ".staging-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            var models = ModelStore.Write(int8, plan, staging, log, settings.ModelFile, cancel);
            var calibration = new CalibrationInfo(CalibrationDataLoader.Describe(settings.CalibrationData), count, settings.Preprocessing.ToString().ToLowerInvariant());
            AtomicFiles.WriteAllText(Path.Combine(staging, CalibrationFile), JsonSerializer.Serialize(calibration));
            AtomicFiles.ReplaceDirectory(staging, storeDirectory);
            log.Progress($"{name}: wrote {models.Count} int8 models in {clock.Elapsed.TotalSeconds:F1} s");
            return models;
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    public static CalibrationInfo ReadCalibration(string storeDirectory)
    {
        var path = Path.Combine(storeDirectory, CalibrationFile);
        return File.Exists(path) ? JsonSerializer.Deserialize<CalibrationInfo>(File.ReadAllText(path))! : new CalibrationInfo("unknown", 0, "none");
    }
}
