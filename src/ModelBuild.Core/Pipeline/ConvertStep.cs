using System.Diagnostics;
using ModelBuild.Core.Cache;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Files;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Layout;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.Quantization.Calibration;
using ModelBuild.Core.Quantization.Equalization;
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
        var quantization = new QuantizationOptions { PerChannel = settings.PerChannel };
        var floatGraph = ModelGraphHandoff.Read(settings.ModelFile);
        var name = Path.GetFileName(settings.ModelFile);
        var options = new CalibrationOptions { Preprocessing = settings.Preprocessing, MaxSamples = settings.CalibrationSamples, Augment = settings.CalibrationAugment };
        var clock = Stopwatch.StartNew();
        var sampleSet = CalibrationDataLoader.Open(settings.CalibrationData, floatGraph.Inputs[0].Shape, options, log, settings.ModelFile);
        var samples = sampleSet.Calibration.Select(s =>
        {
            cancel.ThrowIfCancellationRequested();
            return s;
        });
        log.Progress($"{name}: calibrating with up to {options.MaxSamples} samples from {CalibrationDataLoader.Describe(settings.CalibrationData)}");
        // Equalization keeps the float function (per-tensor: on the calibration samples), so the equalized graph is
        // calibrated and is the float reference too. When the report may reuse the first calibration samples, their float
        // values are kept as calibration runs them (if they fit), and the report runs no float model of its own.
        var kept = sampleSet.ReportMayReuse ? FloatReference.Within(floatGraph, CalibrationSampleSet.MaxEvaluationSamples) : null;
        var (graph, int8) = WeightPreparation.Convert(floatGraph, samples, quantization, log, new CalibrationSettings
        {
            ObserverFactory = RangeEstimators.Factory(settings.RangeEstimator),
            ExpectedSamples = CalibrationDataLoader.ExpectedCount(settings.CalibrationData, options),
            ReleaseMemory = true,
            Reference = kept,
        });
        floatGraph = null!;
        log.Progress($"{name}: calibrated on {sampleSet.Describe()} and quantized in {clock.Elapsed.TotalSeconds:F1} s");
        cancel.ThrowIfCancellationRequested();
        // Calibration gave its executor's memory back (ReleaseMemory); quantization's copies are garbage now, and the
        // report below packs the int8 model (and, unless kept, a float executor as large as the model) into the memory
        // they free, beside the model store's two write buffers (ResNet101 with held-back inputs peaks here, ~1 GiB).
        MemoryRelease.FreeGarbage();
        var reportClock = Stopwatch.StartNew();
        // The report runs beside the writes (measured: ResNet101's two together 0.28 s shorter than one after the
        // other); both only read the int8 graph, and only this thread logs.
        var report = Task.Run(() => AccuracyEvaluator.Evaluate(graph, int8, sampleSet.Evaluation, sampleSet.EvaluationHeldOut, settings.MinSqnrDb, kept));
        using var staging = StagingDirectory.For(work.StoreDirectory);
        IReadOnlyList<ModelFileInfo> models;
        try
        {
            models = ModelStore.Write(int8, plan, staging.Path, log, settings.ModelFile, cancel);
        }
        finally
        {
            ((IAsyncResult)report).AsyncWaitHandle.WaitOne(); // never leaves the report running, whatever the writes did
        }

        var accuracy = report.GetAwaiter().GetResult();
        log.Progress($"{name}: compared int8 with float on {sampleSet.Evaluation.Count} samples in {reportClock.Elapsed.TotalSeconds:F1} s, beside the writes");
        cancel.ThrowIfCancellationRequested();
        // The float model, its kept values, the report's executors and the written models' buffers (together about
        // three times the .h5) are done with, and the chains below read every model back: collected and given back in
        // between rather than piled up.
        graph = null!;
        kept?.Release();
        MemoryRelease.ReturnToSystem();
        reportClock.Restart();
        var chains = ChainAccuracy.Evaluate(staging.Path, plan, int8.Inputs[0].Quant!, sampleSet.Evaluation, accuracy, cancel);
        log.Progress($"{name}: ran {chains.Count} chains of written models in {reportClock.Elapsed.TotalSeconds:F1} s");
        AccuracyWarning.Check(accuracy.Report, settings.ModelFile, log);
        var calibration = new CalibrationInfo(CalibrationDataLoader.Describe(settings.CalibrationData), sampleSet.Calibrated,
            settings.Preprocessing.ToString().ToLowerInvariant(), sampleSet.Original, sampleSet.Derived);
        WorkFolder.WriteCalibration(staging.Path, calibration);
        WorkFolder.WriteAccuracy(staging.Path, new StoredAccuracy(accuracy.Report, chains));
        staging.Commit();
        log.Progress($"{name}: wrote {models.Count} int8 models in {clock.Elapsed.TotalSeconds:F1} s; int8 vs float {AccuracyWarning.Summary(accuracy.Report)}");
        int8 = null!;
        // The chains' executors and the models read back: collected before the next step (the Edge TPU check reads the
        // store again), and the step's memory given back to the node that runs the rest of the build.
        MemoryRelease.ReturnToSystem();
        return models;
    }
}
