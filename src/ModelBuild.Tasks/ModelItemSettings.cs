using ModelBuild.Core.Pipeline;
using ModelBuild.Core.Quantization.Calibration;

namespace ModelBuild.Tasks;

/// <summary>Parses the KerasModel metadata that several tasks share.</summary>
internal static class ModelItemSettings
{
    public static ModelBuildSettings Parse(string modelFile, string? budgetMiB = null, string? quantization = null, string? cuts = null,
        string? candidatePattern = null, string? calibrationData = null, string? calibrationSamples = null, string? preprocessing = null,
        string? calibrationAugment = null, string? minSqnrDb = null, string? rangeEstimator = null) => new()
        {
            ModelFile = modelFile,
            BudgetMiB = budgetMiB is null ? ModelBuildDefaults.BudgetMiB : ModelBuildSettings.ParseBudget(budgetMiB, modelFile),
            PerChannel = ModelBuildSettings.ParsePerChannel(quantization, modelFile),
            Cuts = ModelBuildSettings.ParseList(cuts),
            CandidatePattern = string.IsNullOrWhiteSpace(candidatePattern) ? null : candidatePattern,
            CalibrationData = string.IsNullOrWhiteSpace(calibrationData) ? null : calibrationData,
            CalibrationSamples = ModelBuildSettings.ParseSamples(calibrationSamples, modelFile),
            Preprocessing = PreprocessingModes.Parse(preprocessing, modelFile),
            CalibrationAugment = CalibrationAugmentation.Parse(calibrationAugment, modelFile),
            MinSqnrDb = ModelBuildSettings.ParseMinSqnr(minSqnrDb, modelFile),
            RangeEstimator = Core.Quantization.RangeEstimators.Parse(rangeEstimator, modelFile),
        };
}
