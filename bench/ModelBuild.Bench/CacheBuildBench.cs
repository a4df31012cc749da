namespace ModelBuild.Bench;

/// <summary>
/// Measurement 6 (`cache`): the sample with a model cache (ModelBuildCacheDirectory), interleaved run by run:
/// cold (empty cache, ModelBuild outputs removed: every step builds and publishes), warm (ModelBuild outputs removed,
/// cache full: every step restores), warm fresh clone (the sample's whole obj/ and bin/ removed too: restore and its
/// own compile run as in a new checkout), and no-op (nothing changed). Each warm log is checked for its three
/// "restored from cache" lines and for the absence of calibration.
/// </summary>
internal static class CacheBuildBench
{
    public static int Run(BenchArguments a)
    {
        int runs = a.Int("runs", 3);
        int samples = a.Int("samples", 8);
        var sample = new SampleBuild(a.Option("configuration") ?? "Debug");
        var cache = Path.Combine(SampleBuild.BenchDirectory, "model-cache");
        BenchEnvironment.PrintHeader($"cache: dotnet build samples/ResNet101 -c {sample.Configuration} -nodeReuse:false with ModelBuildCacheDirectory, {samples} images, {runs} interleaved runs");
        var images = CalibrationImageSet.Make(Path.Combine(SampleBuild.BenchDirectory, $"calibration-{samples}"), samples);
        var args = sample.Arguments(images, samples).Append($"-p:ModelBuildCacheDirectory={cache}").ToList();
        var warmup = DotNetBuild.Run(sample.Project, args, SampleBuildBench.Log("cache-warmup"), summary: false);
        Console.WriteLine($"warm-up build: {warmup.WallSeconds:F1} s, exit {warmup.ExitCode}, load {warmup.Load}");
        if (warmup.ExitCode != 0) return 1;

        var kinds = new[] { "cold", "warm", "warm fresh clone", "no-op" };
        var results = kinds.ToDictionary(k => k, _ => new List<BuildMeasurement>());
        int failures = 0;
        for (int r = 0; r < runs; r++)
        {
            foreach (var kind in kinds)
            {
                if (kind == "cold" && Directory.Exists(cache)) Directory.Delete(cache, recursive: true);
                if (kind is "cold" or "warm") sample.RemoveModelBuildOutputs();
                if (kind == "warm fresh clone")
                    foreach (var dir in new[] { "obj", "bin" }.Select(d => Path.Combine(sample.Directory, d)).Where(Directory.Exists))
                        Directory.Delete(dir, recursive: true);
                var m = DotNetBuild.Run(sample.Project, args, SampleBuildBench.Log($"cache-{kind.Replace(' ', '-')}-{r + 1}"));
                var log = File.ReadAllText(m.LogFile);
                int restored = log.Split('\n').Count(l => l.Contains("restored from cache ", StringComparison.Ordinal));
                bool calibrated = log.Contains(": calibrating with", StringComparison.Ordinal);
                bool ok = m.ExitCode == 0 && sample.CheckOutputs().Complete && kind switch
                {
                    "cold" => restored == 0 && calibrated,
                    "no-op" => restored == 0 && !SampleBuildBench.Tasks.Any(m.TaskMs.ContainsKey),
                    _ => restored == 3 && !calibrated,
                };
                if (!ok) failures++;
                Console.WriteLine($"  run {r + 1} {kind,-16} {SampleBuildBench.Line(m)}; {restored} restored{(ok ? "" : "  ** UNEXPECTED, see " + m.LogFile)}");
                results[kind].Add(m);
            }
        }

        var median = kinds.ToDictionary(k => k, k => Stats.Median(results[k].Select(m => m.WallSeconds).ToList()));
        foreach (var k in kinds)
            Console.WriteLine($"  median {k,-16} {median[k],5:F2} s wall, {Stats.Median(results[k].Select(m => m.CpuSeconds).ToList()):F1} s CPU, ModelBuild tasks " +
                              $"{Stats.Median(results[k].Select(m => SampleBuildBench.Tasks.Sum(m.TaskSeconds)).ToList()):F2} s");
        Console.WriteLine($"  warm / no-op {median["warm"] / median["no-op"]:F2} (target ≤ 1.2), warm fresh clone / no-op {median["warm fresh clone"] / median["no-op"]:F2}, " +
                          $"cold / warm {median["cold"] / median["warm"]:F2}; cache {DirectoryBytes(cache) / 1048576.0:F0} MiB");
        Console.WriteLine($"load average at the end {BenchEnvironment.LoadAverage}");
        return failures == 0 ? 0 : 1;
    }

    private static long DirectoryBytes(string dir) =>
        Directory.Exists(dir) ? Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) : 0;
}
