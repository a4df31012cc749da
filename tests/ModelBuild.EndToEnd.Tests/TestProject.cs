using ModelBuild.Core.EdgeTpu;
using ModelBuild.Core.Files;
using ModelBuild.Core.Layout;
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

    /// <summary>
    /// Environment for every dotnet process of this project (a null value removes a variable). Starts with no Edge TPU
    /// compiler visible (no MODELBUILD_EDGETPU_COMPILER, no edgetpu_compiler on PATH), whatever the machine has, so
    /// builds are the same everywhere; tests add the stand-in where they want one.
    /// </summary>
    public Dictionary<string, string?> BuildEnvironment { get; } = EdgeTpuStandIn.EnvironmentWithoutCompiler();

    public string ProjectFile => Path.Combine(Directory_, "models.csproj");

    public string OutDir => Path.Combine(Directory_, "bin", "Debug", "net10.0");

    public string WorkDir => Path.Combine(Directory_, "obj", "Debug", "net10.0", "ModelBuild");

    /// <summary>The ModelBuild.Sdk version the project references (the packed one unless a test moves it on).</summary>
    public string SdkVersion { get; set; } = PackedSdk.Version;

    public static TestProject Create(SdkStyle style, params (string File, string Attributes)[] models)
    {
        var dir = Path.Combine(PackedSdk.Root, "projects", Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        WriteNuGetConfig(dir, PackedSdk.Feed);
        // Stop MSBuild looking further up for Directory.Build.* files.
        File.WriteAllText(Path.Combine(dir, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(dir, "Directory.Build.targets"), "<Project />");
        var project = new TestProject(dir);
        project.WriteProject(style, models);
        return project;
    }

    public void WriteProject(SdkStyle style, params (string File, string Attributes)[] models) => WriteProject(style, "", models);

    /// <summary>Package sources: the packed SDK's feed, then <paramref name="moreFeeds"/> (e.g. one holding a newer version).</summary>
    public void UseFeeds(params string[] moreFeeds) => WriteNuGetConfig(Directory_, [PackedSdk.Feed, .. moreFeeds]);

    private static void WriteNuGetConfig(string dir, params string[] feeds) =>
        File.WriteAllText(Path.Combine(dir, "nuget.config"),
            $"""<configuration><packageSources><clear />{string.Concat(feeds.Select((f, i) => $"<add key=\"feed{i}\" value=\"{f}\" />"))}</packageSources></configuration>""");

    /// <param name="properties">Extra XML inside the project's PropertyGroup, e.g. <c>&lt;EdgeTpuCompilerPath&gt;…&lt;/EdgeTpuCompilerPath&gt;</c>.</param>
    public void WriteProject(SdkStyle style, string properties, params (string File, string Attributes)[] models)
    {
        var items = string.Join("\n    ", models.Select(m => $"<KerasModel Include=\"{m.File}\" {m.Attributes} />"));
        var header = style == SdkStyle.ProjectSdk ? $"<Project Sdk=\"ModelBuild.Sdk/{SdkVersion}\">" : "<Project Sdk=\"Microsoft.NET.Sdk\">";
        var reference = style == SdkStyle.PackageReference
            ? $"<ItemGroup><PackageReference Include=\"ModelBuild.Sdk\" Version=\"{SdkVersion}\" PrivateAssets=\"all\" /></ItemGroup>"
            : "";
        File.WriteAllText(ProjectFile, $"""
            {header}
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                {properties}
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

    public DotNetResult Build(params string[] extra) => Run(BuildArguments(extra));

    /// <summary>Starts `dotnet build` without waiting, e.g. to interrupt it (<paramref name="ownProcessGroup"/>: as a terminal job).</summary>
    public DotNetProcess StartBuild(bool ownProcessGroup, params string[] extra) =>
        DotNetProcess.Start(Directory_, PackedSdk.Packages, BuildEnvironment, ownProcessGroup, BuildArguments(extra));

    public DotNetResult Run(params string[] arguments) => DotNet.Run(Directory_, PackedSdk.Packages, BuildEnvironment, arguments);

    private string[] BuildArguments(string[] extra) => ["build", ProjectFile, "-nodeReuse:false", "-v:d", "-p:UseSharedCompilation=false", .. extra];

    /// <summary>The model's work folder in obj (plan, stamps, model store, tpu results, staged layout).</summary>
    public string ModelWorkDir(string model) => Path.Combine(WorkDir, model);

    /// <summary>Files and folders under obj/…/ModelBuild that only an interrupted or failed step could have left.</summary>
    public IReadOnlyList<string> StagingLeftovers() => TestSupport.StagingLeftovers.Under(WorkDir);

    public ComboMeta Meta(string model, string combo = "full_split") =>
        ComboMeta.FromJson(File.ReadAllText(Path.Combine(OutDir, model, combo, "meta.json")));

    public static void AssertSucceeded(DotNetResult result, string what) =>
        Assert.AreEqual(0, result.ExitCode, $"{what} failed after {result.Elapsed.TotalSeconds:F0} s:\n{Tail(result.Output)}");

    /// <summary>Asserts the output has a match for <paramref name="pattern"/>; on failure shows the diagnostics, not the whole log.</summary>
    public static void AssertOutputMatches(DotNetResult result, string pattern, string what) =>
        Assert.IsTrue(System.Text.RegularExpressions.Regex.IsMatch(result.Output, pattern, System.Text.RegularExpressions.RegexOptions.Multiline),
            $"{what}: no match for /{pattern}/ in the build output. Its warnings and errors:\n{Diagnostics(result.Output)}");

    public static void AssertOutputContains(DotNetResult result, string text, string what) =>
        Assert.IsTrue(result.Output.Contains(text, StringComparison.Ordinal),
            $"{what}: '{text}' not in the build output. Its warnings and errors:\n{Diagnostics(result.Output)}");

    public static void AssertOutputLacks(DotNetResult result, string pattern, string what) =>
        Assert.IsFalse(System.Text.RegularExpressions.Regex.IsMatch(result.Output, pattern, System.Text.RegularExpressions.RegexOptions.Multiline),
            $"{what}: /{pattern}/ found in the build output. Its warnings and errors:\n{Diagnostics(result.Output)}");

    /// <summary>The distinct warning and error lines of a build log, or its tail when there are none.</summary>
    public static string Diagnostics(string output)
    {
        var lines = output.Split('\n').Select(l => l.Trim()).Where(l => l.Contains(": warning ", StringComparison.Ordinal) || l.Contains(": error ", StringComparison.Ordinal)).Distinct().ToList();
        return lines.Count > 0 ? string.Join('\n', lines) : Tail(output);
    }

    public static string Tail(string output) => output.Length <= 12000 ? output : output[^12000..];
}
