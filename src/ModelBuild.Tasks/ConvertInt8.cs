using Microsoft.Build.Framework;
using ModelBuild.Core.Pipeline;

namespace ModelBuild.Tasks;

/// <summary>Calibrates and quantizes the model once and writes every segment and tail as int8 .tflite.</summary>
public sealed class ConvertInt8 : CachedModelBuildTask
{
    public string? Quantization { get; set; }
    public string? CalibrationData { get; set; }
    public string? CalibrationSamples { get; set; }
    public string? Preprocessing { get; set; }
    public string? CalibrationAugment { get; set; }
    public string? MinSqnrDb { get; set; }
    public string? RangeEstimator { get; set; }

    /// <summary>The int8 models written (segments and tails), with FirstSegment, LastSegment, Bytes and Sha256.</summary>
    [Output] public ITaskItem[] Int8Models { get; private set; } = [];

    protected override void Run()
    {
        try
        {
            var work = Work;
            var models = ConvertStep.Run(ModelItemSettings.Parse(ModelFile, quantization: Quantization, calibrationData: CalibrationData,
                calibrationSamples: CalibrationSamples, preprocessing: Preprocessing,
                calibrationAugment: CalibrationAugment, minSqnrDb: MinSqnrDb, rangeEstimator: RangeEstimator), work, BuildLog, Cancellation, Cache);
            Int8Models = models.Select(m => TaskItems.File(Path.Combine(work.StoreDirectory, m.File),
                ("FirstSegment", m.FirstSegment.ToString()), ("LastSegment", m.LastSegment.ToString()), ("Bytes", m.Bytes.ToString()), ("Sha256", m.Sha256))).ToArray();
        }
        catch (Core.Diagnostics.ModelBuildException e) when (e.File is not null && e.File != ModelFile)
        {
            // A calibration file at fault (it may serve several models): name the model too.
            throw new Core.Diagnostics.ModelBuildException(e.Code, e.File, $"{e.Message} (calibrating KerasModel '{Path.GetFileName(ModelFile)}')", e);
        }
    }
}
