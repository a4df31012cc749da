using System.Diagnostics;
using ModelBuild.Core.Cache;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Files;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Layout;
using ModelBuild.Core.Quantization.Calibration;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.Slicing;

namespace ModelBuild.Core.Pipeline;

/// <summary>ConvertInt8: calibrate the float model once, quantize it, write every distinct segment and tail.</summary>
public static class ConvertStep
{
    public static IReadOnlyList<ModelFileInfo> Run(ModelBuildSettings settings, WorkFolder work, IBuildLog log, CancellationToken cancel = default, ModelCache? cache = null)
    {
        var cached = CachedStep.Start(cache, c => StepCacheKeys.Int8(settings, work, c), settings.ModelFile, log);
        if (cached.TryRestoreDirectory(work.StoreDirectory)) return ModelStore.ReadManifest(work.StoreDirectory);
        var models = Build(settings, work, cached, cancel);
        cached.PublishDirectory(work.StoreDirectory);
        return models;
    }

    private static IReadOnlyList<ModelFileInfo> Build(ModelBuildSettings settings, WorkFolder work, IBuildLog log, CancellationToken cancel)
    {
        var plan = work.ReadPlan();
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
        var ranges = Calibrator.Calibrate(graph, samples, log, new CalibrationSettings { ExpectedSamples = CalibrationDataLoader.ExpectedCount(settings.CalibrationData, options) });
        log.Progress($"{name}: calibrated on {count} samples in {clock.Elapsed.TotalSeconds:F1} s");
        cancel.ThrowIfCancellationRequested();

        var int8 = Quantizer.Quantize(graph, ranges, new QuantizationOptions { PerChannel = settings.PerChannel });
        // The float model and the calibration executor's packed weights (together about twice the .h5) are done
        // with: free them now, so the model store's write buffers reuse that memory instead of raising the peak.
        graph = null!;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: false);
        using var staging = StagingDirectory.For(work.StoreDirectory);
        var models = ModelStore.Write(int8, plan, staging.Path, log, settings.ModelFile, cancel);
        var calibration = new CalibrationInfo(CalibrationDataLoader.Describe(settings.CalibrationData), count, settings.Preprocessing.ToString().ToLowerInvariant());
        WorkFolder.WriteCalibration(staging.Path, calibration);
        staging.Commit();
        log.Progress($"{name}: wrote {models.Count} int8 models in {clock.Elapsed.TotalSeconds:F1} s");
        return models;
    }
}
