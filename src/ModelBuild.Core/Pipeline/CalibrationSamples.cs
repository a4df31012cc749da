using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Pipeline;

/// <summary>
/// The representative inputs for calibration. Until the calibration data loader is merged this supplies only the
/// warned synthetic fallback: deterministic pseudo-random values in [0, 1).
/// </summary>
public static class CalibrationSamples
{
    public static IEnumerable<float[]> For(ModelGraph graph, ModelSettings settings, string modelFile, IBuildLog log)
    {
        var input = graph.Inputs[0];
        if (settings.CalibrationData is not null)
            throw new ModelBuildException("MB5004", modelFile, $"CalibrationData='{settings.CalibrationData}': reading calibration data is not available in this ModelBuild version; remove CalibrationData to use synthetic samples.");
        log.Warning("MB5005", modelFile,
            $"no CalibrationData given: calibrating with {settings.CalibrationSamples} synthetic random inputs of shape ({string.Join(",", input.Shape.Skip(1))}). "
            + "int8 accuracy will be poor; set CalibrationData to a folder of representative images or a .npy file.");
        return Synthetic(input.Shape, settings.CalibrationSamples);
    }

    public static CalibrationInfoText Describe(ModelSettings settings) =>
        new(settings.CalibrationData ?? "synthetic", settings.Preprocessing ?? "none");

    private static IEnumerable<float[]> Synthetic(int[] shape, int count)
    {
        int size = 1;
        for (int i = 1; i < shape.Length; i++) size *= shape[i];
        var random = new Random(12345);
        for (int s = 0; s < count; s++)
        {
            var x = new float[size];
            for (int i = 0; i < size; i++) x[i] = random.NextSingle();
            yield return x;
        }
    }
}

/// <summary>How calibration is described in meta.json.</summary>
public sealed record CalibrationInfoText(string Source, string Preprocessing);
