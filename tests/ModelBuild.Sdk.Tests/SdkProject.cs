using System.Diagnostics;
using System.Reflection;
using Microsoft.Build.Evaluation;
using Microsoft.Build.Execution;
using ModelBuild.Core.Layout;
using ModelBuild.TestSupport;

namespace ModelBuild.Sdk.Tests;

/// <summary>
/// A generated project that imports sdk/ModelBuild.Sdk/Sdk/Sdk.props and Sdk.targets straight from this repository (what
/// <c>&lt;Project Sdk="ModelBuild.Sdk"&gt;</c> imports from the package), evaluated and built in this process.
/// </summary>
public sealed class SdkProject
{
    private readonly bool _withTasks;

    private SdkProject(string directory, bool withTasks)
    {
        Directory_ = directory;
        _withTasks = withTasks;
    }

    public string Directory_ { get; }

    /// <summary>
    /// This test run's scratch folder (projects, stand-in compilers, model caches), outside the repository so its
    /// Directory.Build.props and central package versions stay out of the way; deleted when the run ends.
    /// </summary>
    public static string ScratchRoot { get; } = Path.Combine(Path.GetTempPath(), "modelbuild-sdk-tests", Guid.NewGuid().ToString("N")[..12]);

    /// <summary>
    /// Environment variables set in this process while <see cref="BuildModels"/> and <see cref="Clean"/> run (a null
    /// value removes one): the tasks run here, and the compilers they start inherit it. Starts with no Edge TPU compiler
    /// visible, as the end-to-end tests' builds do.
    /// </summary>
    public Dictionary<string, string?> BuildEnvironment { get; } = EdgeTpuStandIn.EnvironmentWithoutCompiler();

    /// <summary>
    /// What <see cref="BuildModels"/> runs: the SDK's entry targets as `dotnet build` reaches them, then the common
    /// targets' IncrementalClean, which deletes files an earlier build wrote to bin that this one no longer lists.
    /// </summary>
    public static readonly string[] BuildTargets = ["ModelBuild", "ModelBuildCopyToOutputDirectory", "IncrementalClean"];

    public string ProjectFile => Path.Combine(Directory_, "models.csproj");

    public static string SdkFolder => Path.Combine(RepoPaths.Root, "sdk", "ModelBuild.Sdk", "Sdk");

    /// <summary>
    /// The ModelBuild.Tasks.dll built with this test project (its path is stamped into this assembly at build time),
    /// copied with its folder into <see cref="ScratchRoot"/> on first use. The steps' Inputs include the task assembly,
    /// so a rewrite of the repository's copy during the run (the end-to-end tests' `dotnet pack -c Release` beside these
    /// tests recompiles Core and Tasks once a commit has changed the informational version) made a test's next build
    /// rerun every step: in StandIn_failure_modes that rewrote the model store the test had tampered with, and the
    /// "unparsable model" build succeeded.
    /// </summary>
    public static string TasksAssembly => PrivateTasks.Value;

    private static readonly Lazy<string> PrivateTasks = new(() =>
    {
        var built = typeof(SdkProject).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ModelBuildTasksAssembly").Value!;
        var folder = Path.Combine(ScratchRoot, "tasks");
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(built)!))
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)), overwrite: true);
        return Path.Combine(folder, Path.GetFileName(built));
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The SDK's entry targets a build reaches (Build runs ModelBuildCopyToOutputDirectory, which runs ModelBuild).</summary>
    public static readonly string[] EntryTargets = ["ModelBuild", "ModelBuildCopyToOutputDirectory"];

    /// <summary>Where a build of the project puts the layout (bin/Debug/net10.0).</summary>
    public string OutDir => Path.Combine(Directory_, "bin", "Debug", "net10.0");

    /// <summary>obj/…/ModelBuild: every model's work folder.</summary>
    public string WorkDir => Path.Combine(Directory_, "obj", "Debug", "net10.0", "ModelBuild");

    public string ModelWorkDir(string model) => Path.Combine(WorkDir, model);

    /// <param name="body">XML inside the Project: PropertyGroups, ItemGroups with KerasModel items, targets.</param>
    public static SdkProject Create(string body) => Create(body, withTasks: false);

    /// <summary>A project whose steps run this repository's freshly built task assembly, in this process.</summary>
    public static SdkProject CreateWithTasks(string body) => Create(body, withTasks: true);

    private static SdkProject Create(string body, bool withTasks)
    {
        var dir = Path.Combine(ScratchRoot, "projects", Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(dir, "Directory.Build.targets"), "<Project />");
        var project = new SdkProject(dir, withTasks);
        project.Rewrite(body);
        return project;
    }

    /// <summary>Writes the project file anew with <paramref name="body"/> (as a user editing it between builds).</summary>
    public void Rewrite(string body)
    {
        var tasks = _withTasks ? $"<PropertyGroup><ModelBuildTasksAssembly>{TasksAssembly}</ModelBuildTasksAssembly></PropertyGroup>" : "";
        File.WriteAllText(ProjectFile, $"""
            <Project>
              <Import Project="{SdkFolder}/Sdk.props" />
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
              </PropertyGroup>
              {tasks}
              {body}
              <Import Project="{SdkFolder}/Sdk.targets" />
            </Project>
            """);
    }

    /// <summary>One KerasModel item with <paramref name="metadata"/> as its attributes.</summary>
    public static string KerasModelItem(string include, IEnumerable<KeyValuePair<string, string>> metadata) =>
        $"<ItemGroup><KerasModel Include=\"{include}\" {string.Join(' ', metadata.Select(m => $"{m.Key}=\"{m.Value}\""))} /></ItemGroup>";

    /// <summary>Copies a model from ../shared/models/keras into the project under <paramref name="name"/>; returns its path.</summary>
    public string AddSharedModel(string sharedFile, string name)
    {
        var target = Path.Combine(Directory_, name);
        File.Copy(RepoPaths.KerasModel(sharedFile), target, overwrite: true);
        return target;
    }

    /// <summary>Copies photos of ../shared/images into the project's <paramref name="folder"/>; returns the folder's full path.</summary>
    public string AddImages(string folder, params string[] images)
    {
        var dir = Path.Combine(Directory_, folder);
        Directory.CreateDirectory(dir);
        foreach (var image in images) File.Copy(RepoPaths.Image(image), Path.Combine(dir, image));
        return dir;
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

    /// <summary>
    /// A build as `dotnet build` runs ModelBuild, in this process: a fresh evaluation with <paramref name="globalProperties"/>
    /// (as -p: gives them), <see cref="BuildTargets"/> with the real tasks, under <see cref="BuildEnvironment"/>.
    /// </summary>
    public ModelBuildRun BuildModels(params (string Name, string Value)[] globalProperties) => Run(BuildTargets, globalProperties);

    /// <summary>The common targets' Clean (what `dotnet clean` runs), with ModelBuild's own clean after it.</summary>
    public ModelBuildRun Clean() => Run(["Clean"], []);

    private ModelBuildRun Run(string[] targets, (string Name, string Value)[] globalProperties)
    {
        var saved = BuildEnvironment.Keys.ToDictionary(k => k, Environment.GetEnvironmentVariable);
        foreach (var (key, value) in BuildEnvironment) Environment.SetEnvironmentVariable(key, value);
        try
        {
            var clock = Stopwatch.StartNew();
            var (ok, log, _) = Build(Evaluate(globalProperties), targets);
            return new ModelBuildRun(ok, log, clock.Elapsed);
        }
        finally
        {
            foreach (var (key, value) in saved) Environment.SetEnvironmentVariable(key, value);
        }
    }

    /// <summary>A combo's meta.json in bin.</summary>
    public ComboMeta Meta(string model, string combo = "full_split") =>
        ComboMeta.FromJson(File.ReadAllText(Path.Combine(OutDir, model, combo, "meta.json")));

    /// <summary>Files and folders under obj/…/ModelBuild that only an interrupted or failed step could have left.</summary>
    public IReadOnlyList<string> StagingLeftovers() => TestSupport.StagingLeftovers.Under(WorkDir);

    /// <summary>Builds <paramref name="targets"/> of <paramref name="instance"/> in this process; the instance keeps the items the targets add.</summary>
    public static (bool Success, RecordingLogger Log, IDictionary<string, TargetResult> Results) Build(ProjectInstance instance, params string[] targets)
    {
        var log = new RecordingLogger();
        var ok = instance.Build(targets, [log.AsLogger()], out var outputs);
        return (ok, log, outputs);
    }
}
