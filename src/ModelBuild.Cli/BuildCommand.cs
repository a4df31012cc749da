using System.Diagnostics;
using System.Globalization;
using ModelBuild.Core.Cache;
using ModelBuild.Core.EdgeTpu;
using ModelBuild.Core.Pipeline;
using ModelBuild.Core.Quantization.Calibration;

namespace ModelBuild.Cli;

/// <summary>One <c>build</c> flag and the MSBuild name it mirrors (KerasModel metadata or a project property).</summary>
public sealed record BuildOption(string Flag, string MSBuildName, string Default, string Values, string Help)
{
    /// <summary>True for KerasModel item metadata; false for a project property (the compiler's path and timeout).</summary>
    public bool IsItemMetadata { get; init; } = true;
}

/// <summary>
/// <c>modelbuild build</c>: the whole chain of one KerasModel item without MSBuild, with every item option as a flag of
/// the same meaning and default, and the same work folder shape (plan.json, models/, tpu/) as a build's obj folder.
/// </summary>
public static class BuildCommand
{
    private static readonly ModelBuildSettings Defaults = new() { ModelFile = "" };

    public static readonly IReadOnlyList<BuildOption> Options =
    [
        new("budget", "BudgetMiB", Defaults.BudgetMiB.ToString(CultureInfo.InvariantCulture), "<MiB>", "parameter budget per segment"),
        new("quantization", "Quantization", Defaults.QuantizationName, "PerChannel|PerTensor", "weight quantization"),
        new("calibration", "CalibrationData", "", "<folder|glob|file>", "representative inputs (images, .npy, .npz); none: synthetic, warned"),
        new("samples", "CalibrationSamples", Defaults.CalibrationSamples.ToString(CultureInfo.InvariantCulture), "<n>", "at most this many calibration samples"),
        new("preprocessing", "Preprocessing", Defaults.Preprocessing.ToString().ToLowerInvariant(), string.Join("|", Enum.GetNames<Preprocessing>()).ToLowerInvariant(), "image preprocessing (as keras.applications)"),
        new("augment", "CalibrationAugment", Defaults.CalibrationAugment.ToString(), "Auto|Off", "derive crops and mirror images from few photos"),
        new("range-estimator", "RangeEstimator", Defaults.RangeEstimator.ToString(), "MinMax|Percentile|Mse", "how activation ranges are estimated"),
        new("min-sqnr", "MinSqnrDb", Defaults.MinSqnrDb.ToString(CultureInfo.InvariantCulture), "<dB>", "warn (MB3070) below this int8-vs-float SQNR; 0 = off"),
        new("cuts", "Cuts", "", "<tensor;tensor>", "explicit cut tensors instead of the budget planner's"),
        new("cut-candidates", "CutCandidates", "", "<regex>", "tensors the planner may cut at"),
        new("output-subdirectory", "OutputSubdirectory", "", "<name>", "layout folder under <out-dir> (default: the model's file name)"),
        new("edgetpu", "EdgeTpu", EdgeTpuModes.Parse(null).ToString(), "Auto|Required|Off", "use edgetpu_compiler when found / insist / skip"),
        new("edgetpu-compiler", "EdgeTpuCompilerPath", "", "<path>", $"the compiler or a wrapper script (default: ${EdgeTpuCompilerLocator.EnvironmentVariable}, then PATH)") { IsItemMetadata = false },
        new("edgetpu-timeout", "EdgeTpuTimeoutSeconds", ModelBuildDefaults.EdgeTpuTimeoutSeconds.ToString(CultureInfo.InvariantCulture), "<seconds>", "the compiler's timeout per model") { IsItemMetadata = false },
        new("cache", "ModelBuildCacheDirectory", "", "<folder>", $"model cache shared with other builds (default: ${ModelCache.EnvironmentVariable}; empty = off)") { IsItemMetadata = false },
        new("cache-max-gib", "ModelBuildCacheMaxGiB", ModelBuildDefaults.CacheMaxGiB.ToString(CultureInfo.InvariantCulture), "<GiB>", "the cache's size cap; least recently used entries go first") { IsItemMetadata = false },
    ];

    public static string Usage =>
        "usage: modelbuild build <model.keras|model.h5> <out-dir> [options]\n"
        + "  the whole chain without MSBuild: <out-dir>/<name>/full_split, pairs_k2..K; work files in <out-dir>/obj/<name>\n"
        + "options (each is the KerasModel metadata or project property named on the right, with its default):\n"
        + string.Concat(Options.Select(o =>
            $"  --{o.Flag} {o.Values}".PadRight(46) + $"{o.Help}; {o.MSBuildName}" + (o.Default.Length > 0 ? $", default {o.Default}" : "") + "\n"));

    public static int Run(string h5, string outputRoot, Arguments a)
    {
        if (a.OptionNames.FirstOrDefault(n => Options.All(o => !o.Flag.Equals(n, StringComparison.OrdinalIgnoreCase))) is { } unknown)
            throw new UsageException($"build has no option --{unknown}; see `modelbuild build --help`.");
        var settings = Settings(h5, a);
        var name = a.Option("output-subdirectory") is { Length: > 0 } sub ? sub : Path.GetFileNameWithoutExtension(h5);
        var work = new WorkFolder(Path.Combine(outputRoot, "obj", name));
        var mode = EdgeTpuModes.Parse(a.Option("edgetpu"), h5);
        var timeout = TimeSpan.FromSeconds(a.Number("edgetpu-timeout", ModelBuildDefaults.EdgeTpuTimeoutSeconds));
        var log = new ConsoleBuildLog();
        var cache = ModelCache.Open(a.Option("cache") ?? Environment.GetEnvironmentVariable(ModelCache.EnvironmentVariable),
            a.Option("cache-max-gib") ?? ModelBuildDefaults.CacheMaxGiB.ToString(CultureInfo.InvariantCulture), EngineIdentity.Of(typeof(BuildCommand).Assembly));
        Directory.CreateDirectory(work.Root);

        var clock = Stopwatch.StartNew();
        CutStep.Run(settings, work, log, cache: cache);
        ConvertStep.Run(settings, work, log, cache: cache);
        EdgeTpuStep.Run(settings.ModelFile, work, mode, new EdgeTpuCompilerLocator { ExplicitPath = a.Option("edgetpu-compiler") is { Length: > 0 } compiler ? compiler : null }, timeout, log, cache: cache);
        var layout = Path.Combine(outputRoot, name);
        var files = LayoutStep.Run(settings, work, layout, log);
        Console.WriteLine($"{files.Count} files in {layout} ({clock.Elapsed.TotalSeconds:F1} s)");
        return 0;
    }

    /// <summary>The item settings from the flags; an absent flag keeps Core's default, as absent metadata does.</summary>
    private static ModelBuildSettings Settings(string h5, Arguments a) => new()
    {
        ModelFile = Path.GetFullPath(h5),
        BudgetMiB = a.Option("budget") is { } budget ? ModelBuildSettings.ParseBudget(budget, h5) : Defaults.BudgetMiB,
        PerChannel = ModelBuildSettings.ParsePerChannel(a.Option("quantization"), h5),
        CalibrationData = a.Option("calibration") is { Length: > 0 } calibration ? Path.GetFullPath(calibration) : null,
        CalibrationSamples = ModelBuildSettings.ParseSamples(a.Option("samples"), h5),
        Preprocessing = PreprocessingModes.Parse(a.Option("preprocessing"), h5),
        CalibrationAugment = CalibrationAugmentation.Parse(a.Option("augment"), h5),
        MinSqnrDb = ModelBuildSettings.ParseMinSqnr(a.Option("min-sqnr"), h5),
        RangeEstimator = Core.Quantization.RangeEstimators.Parse(a.Option("range-estimator"), h5),
        Cuts = ModelBuildSettings.ParseList(a.Option("cuts")),
        CandidatePattern = a.Option("cut-candidates") is { Length: > 0 } pattern ? pattern : null,
    };
}
