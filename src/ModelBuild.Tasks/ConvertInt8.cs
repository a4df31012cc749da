using Microsoft.Build.Framework;
using ModelBuild.Core.Pipeline;

namespace ModelBuild.Tasks;

/// <summary>Calibrates and quantizes the model once and writes every segment and tail as int8 .tflite.</summary>
public sealed class ConvertInt8 : CachedModelBuildTask
{
    [Required] public string ModelFile { get; set; } = "";
    [Required] public string PlanFile { get; set; } = "";
    [Required] public string StoreDirectory { get; set; } = "";
    public string? Quantization { get; set; }
    public string? CalibrationData { get; set; }
    public string? CalibrationSamples { get; set; }
    public string? Preprocessing { get; set; }

    protected override void Run()
    {
        try
        {
            ConvertStep.Run(ModelItemSettings.Parse(ModelFile, quantization: Quantization, calibrationData: CalibrationData,
                calibrationSamples: CalibrationSamples, preprocessing: Preprocessing), PlanFile, StoreDirectory, BuildLog, Cancellation, Cache);
        }
        catch (Core.Diagnostics.ModelBuildException e) when (e.File is not null && e.File != ModelFile)
        {
            // A calibration file at fault (it may serve several models): name the model too.
            throw new Core.Diagnostics.ModelBuildException(e.Code, e.File, $"{e.Message} (calibrating KerasModel '{Path.GetFileName(ModelFile)}')", e);
        }
    }
}
