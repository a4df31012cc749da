namespace ModelBuild.TestSupport;

/// <summary>Locations tests need: the repository root and the read-only ../shared folder beside it.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(FindRoot);

    /// <summary>The repository root (the folder holding ModelBuild.sln).</summary>
    public static string Root => RootLazy.Value;

    /// <summary>../shared relative to the repository root (models, images). Never copied into the project.</summary>
    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    public static string KerasModels => Path.Combine(Shared, "models", "keras");

    public static string TfLiteModels => Path.Combine(Shared, "models", "tflite");

    /// <summary>CPU models with their real <c>edgetpu_compiler</c> outputs (and logs where published); see its README.md.</summary>
    public static string EdgeTpuCompilations => Path.Combine(Shared, "models", "edgetpu");

    public static string Images => Path.Combine(Shared, "images");

    /// <summary>Full path of a file in ../shared/models/keras, failing clearly when ../shared is absent.</summary>
    public static string KerasModel(string fileName) => RequireFile(Path.Combine(KerasModels, fileName));

    public static string TfLiteModel(string fileName) => RequireFile(Path.Combine(TfLiteModels, fileName));

    public static string Image(string fileName) => RequireFile(Path.Combine(Images, fileName));

    /// <summary>A per-run scratch folder under the repository's artifacts/ (git-ignored).</summary>
    public static string NewScratchDirectory(string label)
    {
        var dir = Path.Combine(Root, "artifacts", "test-scratch", $"{label}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string RequireFile(string path) =>
        File.Exists(path) ? path : throw new FileNotFoundException($"Test data missing: {path}. Tests expect ../shared beside the repository.", path);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ModelBuild.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("Could not find ModelBuild.sln above " + AppContext.BaseDirectory);
    }
}
