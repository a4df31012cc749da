namespace ModelBuild.Core.Diagnostics;

/// <summary>Where Core reports warnings and progress; MSBuild tasks adapt it to their TaskLoggingHelper.</summary>
public interface IBuildLog
{
    /// <summary>A warning with its MBxxxx code; <paramref name="file"/> is the file it concerns.</summary>
    void Warning(string code, string? file, string message);

    /// <summary>Progress for long steps (model, step, done/total, elapsed).</summary>
    void Progress(string message);
}

/// <summary>A log that keeps everything in memory (tests, the CLI's quiet mode).</summary>
public sealed class RecordingBuildLog : IBuildLog
{
    public List<(string Code, string? File, string Message)> Warnings { get; } = [];

    public List<string> ProgressMessages { get; } = [];

    public void Warning(string code, string? file, string message)
    {
        lock (Warnings) Warnings.Add((code, file, message));
    }

    public void Progress(string message)
    {
        lock (ProgressMessages) ProgressMessages.Add(message);
    }
}
