using System.Reflection;
using Microsoft.Build.Evaluation;
using Microsoft.Build.Execution;
using ModelBuild.TestSupport;

namespace ModelBuild.Sdk.Tests;

/// <summary>
/// A generated project that imports sdk/ModelBuild.Sdk/Sdk/Sdk.props and Sdk.targets straight from this repository (what
/// <c>&lt;Project Sdk="ModelBuild.Sdk"&gt;</c> imports from the package), evaluated and built in this process.
/// </summary>
public sealed class SdkProject
{
    private SdkProject(string directory) => Directory_ = directory;

    public string Directory_ { get; }

    public string ProjectFile => Path.Combine(Directory_, "models.csproj");

    public static string SdkFolder => Path.Combine(RepoPaths.Root, "sdk", "ModelBuild.Sdk", "Sdk");

    /// <summary>The ModelBuild.Tasks.dll built with this test project (its path is stamped into this assembly at build time).</summary>
    public static string TasksAssembly => typeof(SdkProject).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "ModelBuildTasksAssembly").Value!;

    /// <summary>The SDK's entry targets a build reaches (Build runs ModelBuildCopyToOutputDirectory, which runs ModelBuild).</summary>
    public static readonly string[] EntryTargets = ["ModelBuild", "ModelBuildCopyToOutputDirectory"];

    /// <summary>Where a build of the project puts the layout (bin/Debug/net10.0).</summary>
    public string OutDir => Path.Combine(Directory_, "bin", "Debug", "net10.0");

    /// <summary>obj/…/ModelBuild: every model's work folder.</summary>
    public string WorkDir => Path.Combine(Directory_, "obj", "Debug", "net10.0", "ModelBuild");

    public string ModelWorkDir(string model) => Path.Combine(WorkDir, model);

    /// <param name="body">XML inside the Project: PropertyGroups, ItemGroups with KerasModel items, targets.</param>
    public static SdkProject Create(string body)
    {
        // Outside the repository, so its Directory.Build.props and central package versions stay out of the way.
        var dir = Path.Combine(Path.GetTempPath(), "modelbuild-sdk-tests", Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(dir, "Directory.Build.targets"), "<Project />");
        var project = new SdkProject(dir);
        File.WriteAllText(project.ProjectFile, $"""
            <Project>
              <Import Project="{SdkFolder}/Sdk.props" />
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
              </PropertyGroup>
              {body}
              <Import Project="{SdkFolder}/Sdk.targets" />
            </Project>
            """);
        return project;
    }

    /// <summary>A project whose steps run this repository's freshly built task assembly, in this process.</summary>
    public static SdkProject CreateWithTasks(string body) =>
        Create($"<PropertyGroup><ModelBuildTasksAssembly>{TasksAssembly}</ModelBuildTasksAssembly></PropertyGroup>\n{body}");

    /// <summary>Copies a model from ../shared/models/keras into the project under <paramref name="name"/>; returns its path.</summary>
    public string AddSharedModel(string sharedFile, string name)
    {
        var target = Path.Combine(Directory_, name);
        File.Copy(RepoPaths.KerasModel(sharedFile), target, overwrite: true);
        return target;
    }

    /// <summary>Creates an (empty) file under the project folder and returns its full path.</summary>
    public string AddFile(string relativePath)
    {
        var path = Path.Combine(Directory_, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, []);
        return path;
    }

    /// <summary>A fresh evaluation (own project collection, so nothing is cached between calls).</summary>
    public ProjectInstance Evaluate(params (string Name, string Value)[] globalProperties)
    {
        using var collection = new ProjectCollection(globalProperties.ToDictionary(p => p.Name, p => p.Value));
        return new Project(ProjectFile, null, null, collection).CreateProjectInstance();
    }

    /// <summary>Builds <paramref name="targets"/> of <paramref name="instance"/> in this process; the instance keeps the items the targets add.</summary>
    public static (bool Success, RecordingLogger Log, IDictionary<string, TargetResult> Results) Build(ProjectInstance instance, params string[] targets)
    {
        var log = new RecordingLogger();
        var ok = instance.Build(targets, [log.AsLogger()], out var outputs);
        return (ok, log, outputs);
    }
}
