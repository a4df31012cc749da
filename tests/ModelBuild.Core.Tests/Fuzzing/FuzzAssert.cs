using ModelBuild.TestSupport;
using ModelBuild.TestSupport.Fuzzing;

namespace ModelBuild.Core.Tests.Fuzzing;

/// <summary>Runs a seeded, time-bounded batch of damaged inputs of one file and fails with every bad outcome's replay line.</summary>
internal static class FuzzAssert
{
    public const int InputsPerFile = 50;

    // 50 inputs take under 5 s on a quiet machine; the budget only stops a loaded one (CI beside other builds) early
    // enough to stay bounded while still reaching the error paths the tests assert on.
    public static readonly TimeSpan BudgetPerFile = TimeSpan.FromSeconds(30), PerInputLimit = TimeSpan.FromSeconds(10);

    public static IReadOnlyList<FuzzOutcome> NoBadOutcome(FuzzTarget target, int firstSeed)
    {
        var fuzzer = new ReaderFuzzer(target, RepoPaths.NewScratchDirectory("fuzz"), PerInputLimit);
        var outcomes = fuzzer.Run(firstSeed, InputsPerFile, BudgetPerFile);
        var failures = outcomes.Where(o => o.IsFailure).ToList();
        Console.WriteLine($"{target.Name}: {outcomes.Count} inputs, " + string.Join(", ",
            outcomes.GroupBy(o => o.Kind == FuzzOutcomeKind.ModelBuildError ? o.Detail : o.Kind.ToString()).OrderBy(g => g.Key).Select(g => $"{g.Key} ×{g.Count()}")));
        Assert.IsEmpty(failures, "replay with `dotnet run --project bench/ModelBuild.Bench -- fuzz --target <file> --seed <seed> --inputs 1`:\n"
                                 + string.Join("\n", failures));
        Assert.IsGreaterThanOrEqualTo(10, outcomes.Count, "at least 10 inputs within the time budget");
        Assert.IsTrue(outcomes.Any(o => o.Kind == FuzzOutcomeKind.ModelBuildError), "the mutations reach the readers' error paths");
        return outcomes;
    }

    public static FuzzTarget Target(string fileName) => FuzzTarget.Shared().Single(t => t.Name == fileName);
}
