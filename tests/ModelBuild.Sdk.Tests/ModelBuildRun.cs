using System.Text.RegularExpressions;

namespace ModelBuild.Sdk.Tests;

/// <summary>
/// One in-process build of <see cref="SdkProject.BuildModels"/>: whether it succeeded, what it logged, how long it took,
/// with the checks the end-to-end tests make on a `dotnet build` console, made on the build's events.
/// </summary>
public sealed record ModelBuildRun(bool Success, RecordingLogger Log, TimeSpan Elapsed)
{
    /// <summary>The pipeline tasks that ran, in order.</summary>
    public IReadOnlyList<string> PipelineTasksRun => Log.PipelineTasksRun;

    /// <summary>How many logged lines contain <paramref name="text"/>.</summary>
    public int LinesContaining(string text) => Log.Lines.Count(l => l.Contains(text, StringComparison.Ordinal));

    public void AssertSucceeded(string what) =>
        Assert.IsTrue(Success, $"{what} failed after {Elapsed.TotalSeconds:F0} s:\n{Diagnostics()}");

    public void AssertFailed(string what) =>
        Assert.IsFalse(Success, $"{what}: the build must fail\n{Diagnostics()}");

    /// <summary>Asserts a logged line matches <paramref name="pattern"/>; on failure shows the warnings and errors.</summary>
    public void AssertMatches(string pattern, string what) =>
        Assert.IsTrue(Log.Lines.Any(l => Regex.IsMatch(l, pattern)), $"{what}: no line matches /{pattern}/. Warnings and errors:\n{Diagnostics()}");

    public void AssertContains(string text, string what) =>
        Assert.IsGreaterThan(0, LinesContaining(text), $"{what}: '{text}' not logged. Warnings and errors:\n{Diagnostics()}");

    public void AssertLacks(string pattern, string what) =>
        Assert.IsFalse(Log.Lines.Any(l => Regex.IsMatch(l, pattern)), $"{what}: a line matches /{pattern}/. Warnings and errors:\n{Diagnostics()}");

    /// <summary>The warnings and errors, or the last lines when there are none.</summary>
    public string Diagnostics()
    {
        var lines = Log.Lines.Where(l => l.Contains(" : warning ", StringComparison.Ordinal) || l.Contains(" : error ", StringComparison.Ordinal)).Distinct().ToList();
        return string.Join('\n', lines.Count > 0 ? lines : Log.Lines.TakeLast(100));
    }
}
