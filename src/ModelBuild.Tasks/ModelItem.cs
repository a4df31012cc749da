using Microsoft.Build.Framework;
using ModelBuild.Core.Calibration;
using ModelBuild.Core.EdgeTpu;
using ModelBuild.Core.Pipeline;

namespace ModelBuild.Tasks;

/// <summary>Reads a KerasModel item's metadata (names as documented in README.md).</summary>
internal static class ModelItem
{
    public static ModelBuildSettings Settings(ITaskItem item)
    {
        var file = item.GetMetadata("FullPath");
        return new ModelBuildSettings
        {
            ModelFile = file,
            BudgetMiB = ModelBuildSettings.ParseBudget(Default(item.GetMetadata("BudgetMiB"), "7"), file),
            PerChannel = ModelBuildSettings.ParsePerChannel(item.GetMetadata("Quantization"), file),
            Cuts = ModelBuildSettings.ParseList(item.GetMetadata("Cuts")),
            CalibrationData = NullIfEmpty(item.GetMetadata("CalibrationData")),
            CalibrationSamples = ModelBuildSettings.ParseSamples(item.GetMetadata("CalibrationSamples"), file),
            Preprocessing = PreprocessingModes.Parse(item.GetMetadata("Preprocessing"), file),
        };
    }

    public static EdgeTpuMode EdgeTpu(ITaskItem item) => EdgeTpuModes.Parse(item.GetMetadata("EdgeTpu"), item.GetMetadata("FullPath"));

    public static string? CompilerPath(ITaskItem item) => NullIfEmpty(item.GetMetadata("EdgeTpuCompilerPath"));

    public static WorkDirectory Work(ITaskItem item) => new(item.GetMetadata("WorkDirectory"), Path.GetFileName(item.GetMetadata("OutputSubdirectory")));

    private static string Default(string value, string fallback) => string.IsNullOrWhiteSpace(value) ? fallback : value;

    private static string? NullIfEmpty(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
