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
        var baseline = WriteBaseline(sample, switchedOff: false);
        var args = sample.Arguments(null, 0);
        var warmSample = DotNetBuild.Run(sample.Project, args, SampleBuildBench.Log("noop-warmup-sample"), summary: false);
        Console.WriteLine($"warm-up build of the sample: {warmSample.WallSeconds:F1} s, exit {warmSample.ExitCode}");
        if (warmSample.ExitCode != 0) return 1;
        var warmBase = DotNetBuild.Run(baseline, args, SampleBuildBench.Log("noop-warmup-baseline"), summary: false);
        if (warmBase.ExitCode != 0 && File.ReadAllText(warmBase.LogFile).Contains("MB5003", StringComparison.Ordinal))
        {
            // The SDK refuses a project with no KerasModel item (MB5003 on an empty item); compare with ModelBuild switched off instead.
            Console.WriteLine("the baseline without KerasModel fails with MB5003 (an SDK bug: no items should mean nothing to do); baseline = same project with ModelBuildEnabled=false");
            baseline = WriteBaseline(sample, switchedOff: true);
            warmBase = DotNetBuild.Run(baseline, args, SampleBuildBench.Log("noop-warmup-baseline"), summary: false);
        }

        Console.WriteLine($"warm-up build of the baseline: {warmBase.WallSeconds:F1} s, exit {warmBase.ExitCode}");
        if (warmBase.ExitCode != 0) return 1;

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
        Console.WriteLine($"  median: sample {s:F2} s, without KerasModel {baseTime:F2} s, ratio {s / baseTime:F3} (target ≤ 1.05); " +
                          $"median time in ModelBuild targets {Stats.Median(withModel.Select(ModelBuildTargetMs).ToList()):F0} ms");
        Console.WriteLine($"load average at the end {BenchEnvironment.LoadAverage}");
        return 0;
    }

    /// <summary>Time MSBuild reports for the ModelBuild targets (their up-to-date checks, stamps, artifact listing, copying).</summary>
    private static double ModelBuildTargetMs(BuildMeasurement m) =>
        m.TargetMs.Where(t => t.Key.StartsWith("ModelBuild", StringComparison.Ordinal) || t.Key.StartsWith("_ModelBuild", StringComparison.Ordinal)).Sum(t => t.Value);

    /// <summary>samples/ResNet101/ResNet101.csproj without its KerasModel item (and with ModelBuild switched off when <paramref name="switchedOff"/>), in artifacts/bench/noop-baseline/.</summary>
    internal static string WriteBaseline(SampleBuild sample, bool switchedOff)
    {
        var text = File.ReadAllText(sample.Project);
        var root = RepoPaths.Root.TrimEnd('/') + "/";
        text = text.Replace("$(MSBuildThisFileDirectory)../../", root).Replace("../../", root);
        text = KerasModelItem().Replace(text, "");
        text = SynthesizeTarget().Replace(text, "");
        text = CliReference().Replace(text, ""); // the sample references the tool only to synthesize resnet101.h5
        if (KerasModelItem().IsMatch(text))
            throw new InvalidOperationException("could not take the KerasModel item out of the sample project; update NoOpBuildBench.WriteBaseline.");
        if (switchedOff)
            text = text.Replace("<IsPackable>false</IsPackable>", "<IsPackable>false</IsPackable>\n    <ModelBuildEnabled>false</ModelBuildEnabled>", StringComparison.Ordinal);
        var dir = Path.Combine(SampleBuild.BenchDirectory, "noop-baseline");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "ResNet101.csproj");
        File.WriteAllText(path, text);
        return path;
    }

    [GeneratedRegex(@"<KerasModel\s+Include=[^>]*/>")]
    private static partial Regex KerasModelItem();

    [GeneratedRegex(@"<Target Name=""SynthesizeSampleModel"".*?</Target>", RegexOptions.Singleline)]
    private static partial Regex SynthesizeTarget();

    [GeneratedRegex(@"<ProjectReference Include=""[^""]*ModelBuild\.Cli\.csproj""[^>]*/>")]
    private static partial Regex CliReference();
}
