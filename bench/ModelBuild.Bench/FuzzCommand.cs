using System.Diagnostics;
using ModelBuild.TestSupport;
using ModelBuild.TestSupport.Fuzzing;

namespace ModelBuild.Bench;

/// <summary>
/// The long fuzz run of docs/FUZZING.md: N damaged inputs spread over the real files (the same mutator and checks as
/// the in-suite fuzz tests), outcomes counted by kind and MB code, every failure printed with its replay seed.
/// </summary>
internal static class FuzzCommand
{
    public static int Run(BenchArguments a)
    {
        int inputs = a.Int("inputs", 10_000), firstSeed = a.Int("seed", 1);
        var limit = TimeSpan.FromSeconds(a.Int("timeout", 10));
        var targets = FuzzTarget.Shared().Where(t => a.Option("target") is not { } only || t.Name.Contains(only, StringComparison.Ordinal)).ToList();
        var scratch = RepoPaths.NewScratchDirectory("fuzz");
        var fuzzers = targets.Select(t => new ReaderFuzzer(t, scratch, limit)).ToList();
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var failures = new List<FuzzOutcome>();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < inputs; i++)
        {
            var outcome = fuzzers[i % fuzzers.Count].Run(firstSeed + i);
            var key = $"{outcome.Target.Name} {outcome.Kind}{(outcome.Kind == FuzzOutcomeKind.ModelBuildError ? " " + outcome.Detail : "")}";
            counts[key] = counts.GetValueOrDefault(key) + 1;
            if (outcome.IsFailure)
            {
                failures.Add(outcome);
                Console.WriteLine($"FAIL {outcome}");
            }

            if ((i + 1) % 500 == 0) Console.WriteLine($"{i + 1} inputs, {failures.Count} failures, {clock.Elapsed.TotalSeconds:F0} s");
        }

        Console.WriteLine($"{inputs} inputs (seeds {firstSeed}..{firstSeed + inputs - 1}) in {clock.Elapsed.TotalSeconds:F1} s, {failures.Count} failures");
        foreach (var (key, count) in counts) Console.WriteLine($"  {count,6}  {key}");
        try { Directory.Delete(scratch, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return failures.Count == 0 ? 0 : 1;
    }
}
