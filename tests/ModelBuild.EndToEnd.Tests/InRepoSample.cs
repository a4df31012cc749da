using ModelBuild.Core.EdgeTpu;
using ModelBuild.EdgeTpuCompilerStandIn;
using ModelBuild.TestSupport;

namespace ModelBuild.EndToEnd.Tests;

/// <summary>
/// The repository's own samples/ResNet101, built as the README tells a fresh clone to (`dotnet build samples/ResNet101`),
/// with an artifacts path outside the repository so that neither the sample nor the projects it builds from source
/// leave bin/obj in the tree, and the stand-in Edge TPU compiler on PATH: built once per test run, on first use, then a
/// second time. <see cref="InRepoSampleBuildTests"/> and <see cref="InRepoSampleLayoutTests"/> check these two builds.
/// </summary>
/// <remarks>
/// A resnet101.h5 already in samples/ResNet101 (a user's own model, or an earlier build's) is used and never deleted.
/// When there is none, the build synthesizes it; <see cref="RemoveSynthesizedModel"/> (at the end of the run) then
/// removes the file it caused, leaving the folder as it found it (the file is git-ignored either way).
/// </remarks>
public sealed class InRepoSample
{
    private static readonly Lazy<InRepoSample> Built = new(() => new InRepoSample(), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Whether resnet101.h5 was there before the first build; null until it starts.</summary>
    private static bool? _modelWasThere;

    private readonly Dictionary<string, string?> _environment;

    private InRepoSample()
    {
        UsersModel = File.Exists(H5);
        _modelWasThere = UsersModel;
        EntriesBefore = Entries(SampleDir);
        StandIn = EdgeTpuStandIn.Install(PackedSdk.Root);
        _environment = new Dictionary<string, string?>
        {
            [EdgeTpuCompilerLocator.EnvironmentVariable] = null,
            ["PATH"] = StandIn.Folder + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"),
            [StandInEnvironment.ArgsFile] = StandIn.InvocationsFile,
        };

        First = BuildSample();
        TestProject.AssertSucceeded(First, "dotnet build samples/ResNet101");
        AfterFirst = LayoutSnapshot.Of(Path.GetDirectoryName(Layout)!, Model);
        CompilationsAfterFirst = StandIn.Compilations().Count;

        // Detailed verbosity (its "Task" lines) shows which ModelBuild steps run; the first build restored.
        Second = BuildSample("--no-restore", "-v:d");
        TestProject.AssertSucceeded(Second, "second dotnet build samples/ResNet101");
        AfterSecond = LayoutSnapshot.Of(Path.GetDirectoryName(Layout)!, Model);
    }

    public const string Model = "resnet101";

    public static string SampleDir => Path.Combine(RepoPaths.Root, "samples", "ResNet101");

    public static string H5 => Path.Combine(SampleDir, "resnet101.h5");

    /// <summary>Where the build lays out resnet101 (bin of the artifacts path).</summary>
    public static string Layout => Path.Combine(Artifacts, "bin", "ResNet101", "debug", Model);

    private static string Artifacts => Path.Combine(PackedSdk.Root, "sample-artifacts");

    /// <summary>Whether resnet101.h5 was in samples/ResNet101 before the first build.</summary>
    public bool UsersModel { get; }

    /// <summary>What samples/ResNet101 held before the first build.</summary>
    public IReadOnlyList<string> EntriesBefore { get; }

    public EdgeTpuStandIn StandIn { get; }

    public DotNetResult First { get; }

    public DotNetResult Second { get; }

    public Dictionary<string, DateTime> AfterFirst { get; }

    public Dictionary<string, DateTime> AfterSecond { get; }

    public int CompilationsAfterFirst { get; }

    /// <summary>The two builds (run by the first caller; an assertion failure there fails every caller).</summary>
    public static InRepoSample Get() => Built.Value;

    /// <summary>full_split and pairs_k2..K.</summary>
    public static List<string> Combos(int k) => ["full_split", .. Enumerable.Range(2, k - 1).Select(i => $"pairs_k{i}")];

    public static List<string> Entries(string folder) => Directory.GetFileSystemEntries(folder).Select(p => Path.GetFileName(p)!).ToList();

    /// <summary>Deletes resnet101.h5 if the sample build synthesized it (called at the end of the test run).</summary>
    public static void RemoveSynthesizedModel()
    {
        if (_modelWasThere == false && File.Exists(H5)) File.Delete(H5);
    }

    private DotNetResult BuildSample(params string[] extra) =>
        // The user's own package cache: the sample restores its source projects' packages as a user's build would.
        DotNet.Run(RepoPaths.Root, DotNet.UserPackageFolder, _environment,
            ["build", Path.Combine(SampleDir, "ResNet101.csproj"), "--artifacts-path", Artifacts, "-nodeReuse:false", "-p:UseSharedCompilation=false", .. extra]);
}
