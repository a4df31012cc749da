using Microsoft.Build.Framework;
using ModelBuild.Core.Pipeline;

namespace ModelBuild.Tasks;

/// <summary>Reads a KerasModel item's metadata (names as documented in README.md).</summary>
internal static class ModelItem
{
    public static ModelSettings Settings(ITaskItem item) => ModelSettings.Parse(
        item.GetMetadata("FullPath"),
        item.GetMetadata("BudgetMiB"),
        item.GetMetadata("Quantization"),
        item.GetMetadata("CalibrationData"),
        item.GetMetadata("CalibrationSamples"),
        item.GetMetadata("Preprocessing"),
        item.GetMetadata("Cuts"),
        item.GetMetadata("EdgeTpu"),
        item.GetMetadata("EdgeTpuCompilerPath"));

    public static WorkDirectory Work(ITaskItem item) => new(item.GetMetadata("WorkDirectory"), item.GetMetadata("OutputSubdirectory"));
}
