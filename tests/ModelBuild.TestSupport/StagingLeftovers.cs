namespace ModelBuild.TestSupport;

/// <summary>Files and folders under a work folder that only an interrupted or failed ModelBuild step could have left.</summary>
public static class StagingLeftovers
{
    /// <summary>Name parts of ModelBuild's temporary files and folders (AtomicFiles, the steps' staging folders).</summary>
    private static readonly string[] TemporaryMarkers = [".staging-", ".tmp-", ".old-"];

    public static IReadOnlyList<string> Under(string directory) =>
        Directory.Exists(directory)
            ? Directory.EnumerateFileSystemEntries(directory, "*", SearchOption.AllDirectories)
                .Where(p => TemporaryMarkers.Any(m => Path.GetFileName(p).Contains(m, StringComparison.Ordinal)))
                .ToList()
            : [];
}
