namespace ModelBuild.Core.Files;

/// <summary>
/// A fresh folder beside <see cref="Target"/> that a step writes its whole output into. <see cref="Commit"/> swaps it in
/// for the target; disposing deletes whatever is left, so a failed or cancelled step never leaves a partial output
/// where a later build would take it for finished.
/// </summary>
public sealed class StagingDirectory : IDisposable
{
    private StagingDirectory(string target)
    {
        Target = System.IO.Path.GetFullPath(target).TrimEnd('/', '\\');
        Path = Target + ".staging-" + Guid.NewGuid().ToString("N")[..8];
        Directory.CreateDirectory(Path);
    }

    /// <summary>The folder the staged output replaces.</summary>
    public string Target { get; }

    /// <summary>The folder to write into.</summary>
    public string Path { get; }

    /// <summary>Creates the staging folder for <paramref name="target"/> (which need not exist yet).</summary>
    public static StagingDirectory For(string target) => new(target);

    /// <summary>Replaces <see cref="Target"/> with the staged folder.</summary>
    public void Commit()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Target)!);
        AtomicFiles.ReplaceDirectory(Path, Target);
    }

    /// <remarks>Best effort: a leftover staging folder (e.g. a file a killed process still holds) is harmless, its name is never an output's.</remarks>
    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
