namespace ModelBuild.Bench;

/// <summary>
/// `targets`: issue 15's build figures side by side, measured the same way in one run, each round interleaving them:
/// (1) the sample's re-conversion as shipped (its four photos, augmentation on, ModelBuild work folder and outputs
/// removed so every task runs), (2) the sample with 256 calibration images (time and peak memory), (3) a no-op build of
/// the sample against the same project without KerasModel. Each line carries the load average; medians at the end.
/// </summary>
internal static class TargetsBench
{
    private const double ReconversionTarget = 6, TasksTarget = 2, LargeSetTarget = 45, NoOpTarget = 1.05;
    private const long MemoryTarget = 1536L * 1048576;

    public static int Run(BenchArguments a)
    {
        int runs = a.Int("runs", 3);
        int large = a.Int("images", 256);
        var sample = new SampleBuild(a.Option("configuration") ?? "Debug");
        var folder = Path.GetFullPath(a.Option("folder") ?? Path.Combine(SampleBuild.BenchDirectory, $"calibration-{large}"));
        BenchEnvironment.PrintHeader($"targets: dotnet build samples/ResNet101 -c {sample.Configuration} -nodeReuse:false — re-conversion as shipped, {large} calibration images, no-op vs no KerasModel; {runs} rounds");
        var images = CalibrationImageSet.Make(folder, large);
        Console.WriteLine($"calibration images for the large set: {images} ({CalibrationImageSet.Describe(large)}), Preprocessing=caffe");
        var shipped = sample.Arguments(null, 0);
        var largeArgs = sample.Arguments(images, large);
        var baseline = NoOpBuildBench.WriteBaseline(sample, switchedOff: false);

        // Warm-up: make resnet101.h5 and the tasks when absent; then the sample as shipped and the baseline are complete.
        foreach (var (project, args, name) in new[] { (sample.Project, shipped, "sample"), (sample.Project, shipped, "sample again"), (baseline, shipped, "baseline") })
        {
            var warm = DotNetBuild.Run(project, args, SampleBuildBench.Log($"targets-warmup-{name.Replace(' ', '-')}"), summary: false);
            Console.WriteLine($"warm-up build of the {name}: {warm.WallSeconds:F1} s, exit {warm.ExitCode}, load {warm.Load}");
            if (warm.ExitCode != 0) return 1;
        }

        var reconversion = new List<BuildMeasurement>();
        var largeSet = new List<BuildMeasurement>();
        var noop = new List<BuildMeasurement>();
        var noopBase = new List<BuildMeasurement>();
        int failures = 0;
        for (int r = 1; r <= runs; r++)
        {
            sample.RemoveModelBuildOutputs();
            var big = DotNetBuild.Run(sample.Project, largeArgs, SampleBuildBench.Log($"targets-{large}-{r}"));
            failures += Report($"round {r}: {large} images   ", big, sample, large, largeSet);

            sample.RemoveModelBuildOutputs();
            var re = DotNetBuild.Run(sample.Project, shipped, SampleBuildBench.Log($"targets-reconversion-{r}"));
            failures += Report($"round {r}: re-conversion", re, sample, null, reconversion);

            var n = DotNetBuild.Run(sample.Project, shipped, SampleBuildBench.Log($"targets-noop-{r}"));
            var b = DotNetBuild.Run(baseline, shipped, SampleBuildBench.Log($"targets-noop-baseline-{r}"));
            var ran = SampleBuildBench.Tasks.Where(t => n.TaskMs.ContainsKey(t)).ToList();
            Console.WriteLine($"  round {r}: no-op        sample {n.WallSeconds:F2} s ({(ran.Count > 0 ? "RAN " + string.Join(",", ran) : "no ModelBuild task ran")}), without KerasModel {b.WallSeconds:F2} s, load {b.Load}");
            if (ran.Count > 0 || n.ExitCode != 0 || b.ExitCode != 0) failures++;
            noop.Add(n);
            noopBase.Add(b);
        }

        double reWall = Median(reconversion, m => m.WallSeconds), reTasks = Median(reconversion, Tasks);
        double bigWall = Median(largeSet, m => m.WallSeconds);
        long bigPeak = largeSet.Count == 0 ? 0 : largeSet.Max(m => m.PeakProcessBytes);
        double noopRatio = Median(noop, m => m.WallSeconds) / Median(noopBase, m => m.WallSeconds);
        Console.WriteLine();
        Console.WriteLine($"| figure (median of {runs}) | measured | target | met |");
        Console.WriteLine("|---|---|---|---|");
        Row("sample re-conversion, wall s", reWall, ReconversionTarget);
        Row("  of which ModelBuild's tasks, s", reTasks, TasksTarget);
        Row($"ResNet101 with {large} calibration images, wall s", bigWall, LargeSetTarget);
        Console.WriteLine($"| {"  peak RSS of its largest process, MiB"} | {bigPeak / 1048576.0:F0} | ≤ {MemoryTarget / 1048576} | {(bigPeak <= MemoryTarget ? "yes" : "no")} |");
        Console.WriteLine($"| no-op build / without KerasModel | {noopRatio:F3} ({Median(noop, m => m.WallSeconds):F2} / {Median(noopBase, m => m.WallSeconds):F2} s) | ≤ {NoOpTarget} | {(noopRatio <= NoOpTarget ? "yes" : "no")} |");
        Console.WriteLine($"load average at the end {BenchEnvironment.LoadAverage}; logs in {Path.Combine(SampleBuild.BenchDirectory, "logs")}");
        return failures == 0 ? 0 : 1;
    }

    private static int Report(string label, BuildMeasurement m, SampleBuild sample, int? expectedSamples, List<BuildMeasurement> into)
    {
        var check = sample.CheckOutputs();
        bool ok = m.ExitCode == 0 && check.Complete && (expectedSamples is null || check.CalibrationSamples == expectedSamples);
        Console.WriteLine($"  {label} {SampleBuildBench.Line(m)}; tasks {Tasks(m):F2} s, {check.CalibrationSamples} samples calibrated{(ok ? "" : "  ** INCOMPLETE, see " + m.LogFile)}");
        into.Add(m);
        return ok ? 0 : 1;
    }

    private static double Tasks(BuildMeasurement m) => SampleBuildBench.Tasks.Sum(m.TaskSeconds);

    private static double Median(List<BuildMeasurement> results, Func<BuildMeasurement, double> value) => Stats.Median(results.Select(value).ToList());

    private static void Row(string what, double value, double target) =>
        Console.WriteLine($"| {what} | {value:F2} | ≤ {target} | {(value <= target ? "yes" : "no")} |");
}
