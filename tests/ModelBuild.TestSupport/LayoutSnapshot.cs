namespace ModelBuild.TestSupport;

/// <summary>A model's laid-out files in an output folder, to compare one build's outputs with another's.</summary>
public static class LayoutSnapshot
{
    /// <summary>Every file under <paramref name="root"/>/<paramref name="model"/> with its last write time, by relative path.</summary>
    public static Dictionary<string, DateTime> Of(string root, string model)
    {
        var dir = Path.Combine(root, model);
        return Directory.Exists(dir)
            ? Directory.GetFiles(dir, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(dir, f).Replace('\\', '/'), File.GetLastWriteTimeUtc)
            : [];
    }
}
