namespace ModelBuild.Bench;

/// <summary>
/// Measurement 3 (`build`): `dotnet build samples/ResNet101` (K = 7, every combo) with 8 and 64 calibration images:
/// wall time, peak memory, and the time in each ModelBuild task. Each measured build starts with the sample's
/// ModelBuild work folder and outputs removed (all four tasks run); the rest of the build (restore, project
/// references, the sample's own compile) is up to date, as on a developer's machine after a model change.
/// </summary>
internal static class SampleBuildBench
{
    public static readonly string[] Tasks = ["CutModel", "ConvertInt8", "CompileEdgeTpu", "EmitCombos"];

    public static int Run(BenchArguments a)
    {
        var counts = a.List("samples", "8", "64").Select(int.Parse).ToList();
        int runs = a.Int("runs", 3);
        var sample = new SampleBuild(a.Option("configuration") ?? "Debug");
        BenchEnvironment.PrintHeader($"build: dotnet build samples/ResNet101 -c {sample.Configuration} -nodeReuse:false, cold ModelBuild work, {runs} runs per sample count");
        var images = CalibrationImageSet.Make(Path.Combine(SampleBuild.BenchDirectory, $"calibration-{counts.Max()}"), counts.Max());
        Console.WriteLine($"calibration images: {images} ({CalibrationImageSet.Describe(counts.Max())}); CalibrationSamples caps each build to the first N, Preprocessing=caffe");

        // Twice: the first makes resnet101.h5 when absent and builds the tasks; the second must then find everything up to date.
        for (int w = 1; w <= 2; w++)
        {
            var warm = DotNetBuild.Run(sample.Project, sample.Arguments(images, counts[0]), Log($"warmup-{w}"), summary: false);
            Console.WriteLine($"warm-up build {w}: {warm.WallSeconds:F1} s, exit {warm.ExitCode}, load {warm.Load}");
            if (warm.ExitCode != 0) return Fail(warm);
        }

        int failures = 0;
        foreach (var n in counts)
        {
            var results = new List<BuildMeasurement>();
            for (int r = 0; r < runs; r++)
            {
                sample.RemoveModelBuildOutputs();
                var m = DotNetBuild.Run(sample.Project, sample.Arguments(images, n), Log($"build-{n}-{r + 1}"));
                var check = sample.CheckOutputs();
                Console.WriteLine($"  {n,2} images run {r + 1}: {Line(m)}; {check.Combos} combos, {check.CalibrationSamples} samples used{(check.Complete && m.ExitCode == 0 ? "" : "  ** INCOMPLETE, see " + m.LogFile)}");
                if (m.ExitCode != 0 || !check.Complete) failures++;
                results.Add(m);
            }

            PrintMedians($"{n} images", results);
        }

        Console.WriteLine($"load average at the end {BenchEnvironment.LoadAverage}; logs in {Path.Combine(SampleBuild.BenchDirectory, "logs")}");
        return failures == 0 ? 0 : 1;
    }

    public static string Line(BuildMeasurement m) =>
        $"{m.WallSeconds,5:F1} s wall ({m.CpuSeconds:F1} s CPU), peak RSS {Mib(m.PeakProcessBytes)} MiB ({m.PeakProcess}; all processes {Mib(m.PeakTreeBytes)} MiB), " +
        string.Join(", ", Tasks.Select(t => $"{t} {m.TaskSeconds(t):F2} s")) + (m.Compiled ? $", Csc RAN {m.TaskSeconds("Csc"):F1} s" : "") + $", load {m.Load}";

    public static void PrintMedians(string label, IReadOnlyList<BuildMeasurement> results)
    {
        double wall = Stats.Median(results.Select(r => r.WallSeconds).ToList());
        double pipeline = Stats.Median(results.Select(r => Tasks.Sum(r.TaskSeconds)).ToList());
        Console.WriteLine($"  median {label}: {wall:F1} s wall (target ≤ 10 s with 8 images), {Stats.Median(results.Select(r => r.CpuSeconds).ToList()):F1} s CPU (all processes of the build), ModelBuild tasks {pipeline:F1} s, " +
                          $"peak RSS {Mib(results.Max(r => r.PeakProcessBytes))} MiB largest process / {Mib(results.Max(r => r.PeakTreeBytes))} MiB all processes of the build (target < 1536 MiB)");
        foreach (var t in Tasks)
        {
            double s = Stats.Median(results.Select(r => r.TaskSeconds(t)).ToList());
            Console.WriteLine($"    {t,-15} {s,6:F2} s  {100 * s / wall,5:F1} % of the build");
        }

        Console.WriteLine($"    {"everything else",-15} {wall - pipeline,6:F2} s  {100 * (wall - pipeline) / wall,5:F1} % (dotnet/MSBuild start, restore, evaluation, project references, copying)");
    }

    public static string Log(string name) => Path.Combine(SampleBuild.BenchDirectory, "logs", name + ".log");

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("F0");

    private static int Fail(BuildMeasurement m)
    {
        Console.WriteLine($"the build failed; see {m.LogFile}");
        return 1;
    }
}
