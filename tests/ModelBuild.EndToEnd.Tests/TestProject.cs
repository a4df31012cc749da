using ModelBuild.Core.Artifacts;
using ModelBuild.TestSupport;

namespace ModelBuild.EndToEnd.Tests;

/// <summary>How the generated project references the SDK.</summary>
public enum SdkStyle
{
    /// <summary><c>&lt;Project Sdk="ModelBuild.Sdk/x.y.z"&gt;</c></summary>
    ProjectSdk,

    /// <summary><c>&lt;PackageReference Include="ModelBuild.Sdk" /&gt;</c> in a Microsoft.NET.Sdk project.</summary>
    PackageReference,
}

/// <summary>A generated project in its own folder, built with real dotnet processes against the packed SDK.</summary>
public sealed class TestProject
{
    private TestProject(string directory) => Directory_ = directory;

    public string Directory_ { get; }

    public string ProjectFile => Path.Combine(Directory_, "models.csproj");

    public string OutDir => Path.Combine(Directory_, "bin", "Debug", "net10.0");

    public string WorkDir => Path.Combine(Directory_, "obj", "Debug", "net10.0", "ModelBuild");

    public static TestProject Create(SdkStyle style, params (string File, string Attributes)[] models)
    {
        var dir = Path.Combine(PackedSdk.Root, "projects", Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "nuget.config"),
            $"""<configuration><packageSources><clear /><add key="local" value="{PackedSdk.Feed}" /></packageSources></configuration>""");
        // Stop MSBuild looking further up for Directory.Build.* files.
        File.WriteAllText(Path.Combine(dir, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(dir, "Directory.Build.targets"), "<Project />");
        var project = new TestProject(dir);
        project.WriteProject(style, models);
        return project;
    }

    public void WriteProject(SdkStyle style, params (string File, string Attributes)[] models)
    {
        var items = string.Join("\n    ", models.Select(m => $"<KerasModel Include=\"{m.File}\" {m.Attributes} />"));
        var header = style == SdkStyle.ProjectSdk ? $"<Project Sdk=\"ModelBuild.Sdk/{PackedSdk.Version}\">" : "<Project Sdk=\"Microsoft.NET.Sdk\">";
        var reference = style == SdkStyle.PackageReference
            ? $"<ItemGroup><PackageReference Include=\"ModelBuild.Sdk\" Version=\"{PackedSdk.Version}\" PrivateAssets=\"all\" /></ItemGroup>"
            : "";
        File.WriteAllText(ProjectFile, $"""
            {header}
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
              </PropertyGroup>
              {reference}
              <ItemGroup>
                {items}
              </ItemGroup>
            </Project>
            """);
    }

    /// <summary>Copies a model from ../shared/models/keras into the project under <paramref name="name"/>.</summary>
    public string AddSharedModel(string sharedFile, string name)
    {
        var target = Path.Combine(Directory_, name);
        File.Copy(RepoPaths.KerasModel(sharedFile), target, overwrite: true);
        return target;
    }

    public DotNetResult Build(params string[] extra) => Run(["build", ProjectFile, "-nodeReuse:false", "-v:d", "-p:UseSharedCompilation=false", .. extra]);

    public DotNetResult Run(params string[] arguments) => DotNet.Run(Directory_, PackedSdk.Packages, arguments);

    /// <summary>Every file under <paramref name="root"/>/<paramref name="model"/> with its last write time, by relative path.</summary>
    public static Dictionary<string, DateTime> Snapshot(string root, string model)
    {
        var dir = Path.Combine(root, model);
        return Directory.Exists(dir)
            ? Directory.GetFiles(dir, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(dir, f).Replace('\\', '/'), File.GetLastWriteTimeUtc)
            : [];
    }

    public ComboMeta Meta(string model, string combo = "full_split") =>
        ComboMeta.FromJson(File.ReadAllText(Path.Combine(OutDir, model, combo, "meta.json")));

    public static void AssertSucceeded(DotNetResult result, string what) =>
        Assert.AreEqual(0, result.ExitCode, $"{what} failed after {result.Elapsed.TotalSeconds:F0} s:\n{Tail(result.Output)}");

    public static string Tail(string output) => output.Length <= 12000 ? output : output[^12000..];
}
