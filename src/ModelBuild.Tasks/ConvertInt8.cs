using Microsoft.Build.Framework;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Pipeline;

namespace ModelBuild.Tasks;

/// <summary>Calibrates and quantizes the model once and writes every distinct int8 segment and tail.</summary>
public sealed class ConvertInt8 : ModelBuildTask
{
    protected override string StepName => nameof(ConvertInt8);

    protected override string Run(ITaskItem model, WorkDirectory work, IBuildLog log, CancellationToken cancel)
    {
        var settings = ModelItem.Settings(model);
        var models = ConvertStep.Run(settings, work.PlanFile, work.ModelsDirectory, log, cancel);
        return $"{models.Count} int8 models ({settings.QuantizationName}), {models.Sum(m => m.Bytes) / 1048576.0:F2} MiB";
    }
}
