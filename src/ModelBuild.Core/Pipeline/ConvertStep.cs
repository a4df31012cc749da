using System.Text.Json;
using ModelBuild.Core.Artifacts;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Quantization;

namespace ModelBuild.Core.Pipeline;

/// <summary>
/// ConvertInt8: calibrate the whole float graph once, quantize it once, and write every distinct segment and tail
/// as a slice of that one int8 graph into the model store (models/ with models.json written last).
/// </summary>
public static class ConvertStep
{
    public static IReadOnlyList<ModelFileInfo> Run(string modelFile, ModelSettings settings, WorkDirectory work, IBuildLog log, CancellationToken cancel = default)
    {
        var plan = CutStep.ReadPlan(work);
        // The manifest marks a finished store; remove it first so an interrupted run is never taken for up to date.
        if (File.Exists(work.ModelsManifest)) File.Delete(work.ModelsManifest);

        var graph = KerasModelReader.Read(modelFile);
        cancel.ThrowIfCancellationRequested();
        var samples = CalibrationSamples.For(graph, settings, modelFile, log);
        var ranges = Calibrator.Calibrate(graph, Cancelable(samples, cancel), log);
        cancel.ThrowIfCancellationRequested();
        var int8 = Quantizer.Quantize(graph, ranges, new QuantizationOptions { PerChannel = settings.PerChannel });
        var written = ModelStore.Write(int8, plan, work.ModelsDirectory, log, modelFile, cancel);
        var described = CalibrationSamples.Describe(settings);
        AtomicFiles.WriteAllText(work.CalibrationFile,
            JsonSerializer.Serialize(new CalibrationInfo(described.Source, ranges.SampleCount, described.Preprocessing)));
        return written;
    }

    private static IEnumerable<float[]> Cancelable(IEnumerable<float[]> samples, CancellationToken cancel)
    {
        foreach (var s in samples)
        {
            cancel.ThrowIfCancellationRequested();
            yield return s;
        }
    }
}
