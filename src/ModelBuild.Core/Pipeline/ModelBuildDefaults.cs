using ModelBuild.Core.EdgeTpu;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.Quantization.Calibration;

namespace ModelBuild.Core.Pipeline;

/// <summary>
/// The one set of defaults of a KerasModel item and of the build: the tasks, the CLI and — through the generated
/// sdk/ModelBuild.Sdk/build/ModelBuild.Sdk.Defaults.props (checked by a test) — the targets use these.
/// </summary>
public static class ModelBuildDefaults
{
    public const double BudgetMiB = 7;

    public const string Quantization = "PerChannel";

    public const int CalibrationSamples = CalibrationOptions.DefaultMaxSamples;

    public const string Preprocessing = "none";

    public const CalibrationAugment CalibrationAugment = Core.Quantization.Calibration.CalibrationAugment.Auto;

    /// <summary>MinSqnrDb: warning MB3070 below this int8-vs-float SQNR (chosen from the shared models, docs/ACCURACY.md); 0 = off.</summary>
    public const double MinSqnrDb = 10;

    public const RangeEstimator RangeEstimator = RangeEstimators.Default;

    public const EdgeTpuMode EdgeTpu = EdgeTpuMode.Auto;

    /// <summary>EdgeTpuTimeoutSeconds: the compiler's own <c>-t</c> per model; ModelBuild kills it a grace period later.</summary>
    public const int EdgeTpuTimeoutSeconds = EdgeTpuCompileOptions.DefaultTimeoutSeconds;

    public static TimeSpan EdgeTpuTimeout => TimeSpan.FromSeconds(EdgeTpuTimeoutSeconds);

    /// <summary>ModelBuildCacheMaxGiB: the model cache's size cap; the least recently used entries go first.</summary>
    public const double CacheMaxGiB = 10;
}
