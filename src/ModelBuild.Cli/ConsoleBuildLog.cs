using ModelBuild.Core.Diagnostics;

namespace ModelBuild.Cli;

/// <summary>Warnings to stderr with their code, progress to stdout.</summary>
public sealed class ConsoleBuildLog : IBuildLog
{
    public void Warning(string code, string? file, string message) =>
        Console.Error.WriteLine(file is null ? $"warning {code}: {message}" : $"warning {code}: {Path.GetFileName(file)}: {message}");

    public void Progress(string message) => Console.WriteLine(message);
}
