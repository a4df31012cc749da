using System.Diagnostics;
using System.Globalization;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.EdgeTpu;
using ModelBuild.Core.Pipeline;
using ModelBuild.Core.Quantization.Calibration;
using ModelBuild.Core.Synthesis;
using ModelBuild.TestSupport;

namespace ModelBuild.Bench;

/// <summary>
/// `zoo [--families EfficientNetB0,…] [--size 224] [--budget 7] [--samples 32]`: every synthesized keras.applications
/// family through the four build steps (ModelBuild.Core, no MSBuild), calibrated on the photos of ../shared/images
/// with the family's own preprocessing and Auto augmentation; one Markdown row per family for docs/MODELS.md:
/// parameters, K at the budget, the Edge TPU check over every segment, int8-vs-float SQNR and top-1 on held-back
/// samples, whether every combo's chain equals the unsegmented model, and the time.
/// </summary>
internal static class ZooBench
{
    public static int Run(BenchArguments a)
    {
        var families = a.List("families", Enum.GetNames<SynthArchitecture>()).Select(f => Enum.Parse<SynthArchitecture>(f, ignoreCase: true)).ToList();
        int size = a.Int("size", 224);
        var budget = double.Parse(a.Option("budget") ?? "7", CultureInfo.InvariantCulture);
        int samples = a.Int("samples", ModelBuildDefaults.CalibrationSamples);
        var root = Path.Combine(SampleBuild.BenchDirectory, "zoo");
        BenchEnvironment.PrintHeader($"zoo: {families.Count} families at {size}×{size}, BudgetMiB {budget}, {samples} calibration samples (Auto) from ../shared/images");
        Console.WriteLine("| family | int8 parameters | K at " + budget.ToString(CultureInfo.InvariantCulture) + " MiB | Edge TPU check (every segment) | int8 vs float SQNR | top-1 | chains = model | .h5 vs .keras int8 | time s |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        int failures = 0;
        foreach (var family in families)
        {
            try
            {
                Console.WriteLine(Row(family, size, budget, samples, root));
            }
            catch (Exception e) when (e is ModelBuildException or InvalidOperationException or NotSupportedException or ArgumentException)
            {
                failures++;
                Console.WriteLine($"| {family} | | | fails: {e.Message.Replace('|', '/')} | | | | | |");
            }
        }

        Console.WriteLine($"load average at the end {BenchEnvironment.LoadAverage}");
        return failures == 0 ? 0 : 1;
    }

    private static string Row(SynthArchitecture family, int size, double budget, int samples, string root)
    {
        var clock = Stopwatch.StartNew();
        var dir = Path.Combine(root, family.ToString().ToLowerInvariant());
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        var model = Path.Combine(dir, family.ToString().ToLowerInvariant() + ".h5");
        KerasModelSynthesizer.Write(model, family, seed: 1, new SynthOptions { InputSize = size });
        var archive = Path.ChangeExtension(model, ".keras");
        KerasModelSynthesizer.Write(archive, family, seed: 1, new SynthOptions { InputSize = size, Format = SynthFileFormat.KerasArchive });
        var settings = new ModelBuildSettings
        {
            ModelFile = model,
            BudgetMiB = budget,
            CalibrationData = Path.Combine(RepoPaths.Shared, "images"),
            CalibrationSamples = samples,
            Preprocessing = PreprocessingModes.Parse(KerasModelSynthesizer.PreprocessingName(family)),
        };
        var work = new WorkFolder(Path.Combine(dir, "obj"));
        var log = new QuietLog();
        var plan = CutStep.Run(settings, work, log);
        var models = ConvertStep.Run(settings, work, log);
        var tpu = EdgeTpuStep.Run(model, work, EdgeTpuMode.Off, new EdgeTpuCompilerLocator(), ModelBuildDefaults.EdgeTpuTimeout, log);
        LayoutStep.Run(settings, work, Path.Combine(dir, "layout"), log);
        var accuracy = work.ReadAccuracy() ?? throw new InvalidOperationException("no accuracy report was written");
        var archiveSettings = settings with { ModelFile = archive };
        var archiveWork = new WorkFolder(Path.Combine(dir, "obj-keras"));
        CutStep.Run(archiveSettings, archiveWork, log);
        var sameBytes = ConvertStep.Run(archiveSettings, archiveWork, log).Select(m => m.Sha256).SequenceEqual(models.Select(m => m.Sha256));

        var segments = (tpu.Checks ?? new Dictionary<string, EdgeTpuCheckEntry>()).Where(c => c.Key.StartsWith("seg", StringComparison.Ordinal)).ToList();
        int ops = segments.Sum(s => s.Value.Operations), onCpu = segments.Sum(s => s.Value.OperationsOnCpu);
        var cpuOps = segments.SelectMany(s => s.Value.CpuOperations).Select(o => o.Operator).Distinct().ToList();
        var check = onCpu == 0 ? $"all {ops} operations mapped in {segments.Count} segments" : $"{onCpu} of {ops} on the CPU ({string.Join(", ", cpuOps)})";
        var fit = segments.All(s => s.Value.OnChipFit != EdgeTpuCheckEntry.Exceeds) ? "" : "; a segment exceeds the on-chip memory";
        var figures = accuracy.Report.Model;
        var chains = accuracy.Chains.Values.All(c => c.MatchesModel) ? $"yes ({accuracy.Chains.Count})" : "NO";
        var parameters = $"{plan.Segments.Sum(seg => seg.ParamBytes) / 1048576.0:F2} MiB";
        return $"| {family} | {parameters} | {plan.K} | {check}{fit} | {(figures.SqnrDb is { } db ? $"{db:F1} dB" : "exact")} | "
               + $"{(figures.Top1Agree is { } t ? $"{t}/{figures.Inputs}" : "")} | {chains} | {(sameBytes ? "identical" : "DIFFER")} | {clock.Elapsed.TotalSeconds:F0} |";
    }

    private sealed class QuietLog : IBuildLog
    {
        public void Warning(string code, string? file, string message) => Console.Error.WriteLine($"  warning {code}: {message}");

        public void Progress(string message) { }
    }
}
