using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Pipeline;

namespace ModelBuild.Tasks;

/// <summary>Calibrates and quantizes the model once and writes every distinct int8 segment and tail.</summary>
public sealed class ConvertInt8 : ModelBuildTask
{
    protected override string StepName => nameof(ConvertInt8);

    protected override string Run(string modelFile, ModelSettings settings, WorkDirectory work, IBuildLog log, CancellationToken cancel)
    {
        var models = ConvertStep.Run(modelFile, settings, work, log, cancel);
        return $"{models.Count} int8 models ({settings.QuantizationName}), {models.Sum(m => m.Bytes) / 1048576.0:F2} MiB";
    }
}
