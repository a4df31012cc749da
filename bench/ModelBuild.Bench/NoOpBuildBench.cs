using System.Text.RegularExpressions;
using ModelBuild.TestSupport;

namespace ModelBuild.Bench;

/// <summary>
/// Measurement 4 (`noop`): a no-op `dotnet build` of the sample (everything up to date) against the same project
/// without its KerasModel item (a generated copy of samples/ResNet101/ResNet101.csproj with the item and the target
/// that synthesizes its .h5 taken out, paths made absolute), interleaved run by run; ratio of the medians.
/// </summary>
internal static partial class NoOpBuildBench
{
    public static int Run(BenchArguments a)
    {
        int runs = a.Int("runs", 7);
        var sample = new SampleBuild(a.Option("configuration") ?? "Debug");
        BenchEnvironment.PrintHeader($"noop: no-op dotnet build -c {sample.Configuration} -nodeReuse:false of the sample vs the same project without KerasModel, {runs} interleaved runs");
        var baseline = WriteBaseline(sample);
        var args = sample.Arguments(null, 0);
        foreach (var (label, project) in new[] { ("sample", sample.Project), ("baseline", baseline) })
        {
            var warm = DotNetBuild.Run(project, args, SampleBuildBench.Log($"noop-warmup-{label}"), summary: false);
            Console.WriteLine($"warm-up build of the {label}: {warm.WallSeconds:F1} s, exit {warm.ExitCode}");
            if (warm.ExitCode != 0) return 1;
        }

        var withModel = new List<BuildMeasurement>();
        var without = new List<BuildMeasurement>();
        for (int r = 0; r < runs; r++)
        {
            var m = DotNetBuild.Run(sample.Project, args, SampleBuildBench.Log($"noop-sample-{r + 1}"));
            var b = DotNetBuild.Run(baseline, args, SampleBuildBench.Log($"noop-baseline-{r + 1}"));
            var ran = SampleBuildBench.Tasks.Where(t => m.TaskMs.ContainsKey(t)).ToList();
            Console.WriteLine($"  run {r + 1}: sample {m.WallSeconds:F2} s (ModelBuild targets {ModelBuildTargetMs(m):F0} ms{(ran.Count > 0 ? ", RAN " + string.Join(",", ran) : ", no ModelBuild task ran")}), " +
                              $"baseline {b.WallSeconds:F2} s, load {b.Load}");
            withModel.Add(m);
            without.Add(b);
        }

        double s = Stats.Median(withModel.Select(m => m.WallSeconds).ToList()), baseTime = Stats.Median(without.Select(m => m.WallSeconds).ToList());
        Console.WriteLine($"  median: sample {s:F2} s, without KerasModel {baseTime:F2} s, ratio {s / baseTime:F3} (target ≤ 1.1); " +
                          $"median time in ModelBuild targets {Stats.Median(withModel.Select(ModelBuildTargetMs).ToList()):F0} ms");
        Console.WriteLine($"load average at the end {BenchEnvironment.LoadAverage}");
        return 0;
    }

    /// <summary>Time MSBuild reports for the ModelBuild targets (their up-to-date checks, stamps, artifact listing, copying).</summary>
    private static double ModelBuildTargetMs(BuildMeasurement m) =>
        m.TargetMs.Where(t => t.Key.StartsWith("ModelBuild", StringComparison.Ordinal) || t.Key.StartsWith("_ModelBuild", StringComparison.Ordinal)).Sum(t => t.Value);

    /// <summary>samples/ResNet101/ResNet101.csproj without its KerasModel item, in artifacts/bench/noop-baseline/.</summary>
    private static string WriteBaseline(SampleBuild sample)
    {
        var text = File.ReadAllText(sample.Project);
        var root = RepoPaths.Root.TrimEnd('/') + "/";
        text = text.Replace("$(MSBuildThisFileDirectory)../../", root).Replace("../../", root);
        text = KerasModelItem().Replace(text, "");
        text = SynthesizeTarget().Replace(text, "");
        if (text.Contains("<KerasModel", StringComparison.Ordinal))
            throw new InvalidOperationException("could not take the KerasModel item out of the sample project; update NoOpBuildBench.WriteBaseline.");
        var dir = Path.Combine(SampleBuild.BenchDirectory, "noop-baseline");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "ResNet101.csproj");
        File.WriteAllText(path, text);
        return path;
    }

    [GeneratedRegex(@"<KerasModel\b[^>]*/>")]
    private static partial Regex KerasModelItem();

    [GeneratedRegex(@"<Target Name=""SynthesizeSampleModel"".*?</Target>", RegexOptions.Singleline)]
    private static partial Regex SynthesizeTarget();
}
