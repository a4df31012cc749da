using ModelBuild.TestSupport;

namespace ModelBuild.EndToEnd.Tests;

/// <summary>
/// The ModelBuild.Sdk package under test, packed once per test run from this repository into a local feed, with
/// a private NuGet package folder so a repacked same version is always the one restored.
/// </summary>
[TestClass]
public static class PackedSdk
{
    public static string Root { get; private set; } = "";

    public static string Feed => Path.Combine(Root, "feed");

    public static string Packages => Path.Combine(Root, "packages");

    public static string Version { get; private set; } = "";

    [AssemblyInitialize]
    public static void Pack(TestContext _)
    {
        // Outside the repository, so generated projects do not inherit its Directory.Build.props / package versions.
        Root = Path.Combine(Path.GetTempPath(), "modelbuild-e2e", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Feed);
        var result = DotNet.Run(RepoPaths.Root, DotNet.UserPackageFolder, "pack", Path.Combine(RepoPaths.Root, "nuget", "ModelBuild.Sdk.csproj"),
            "-c", "Release", "-o", Feed, "-nodeReuse:false", "-p:UseSharedCompilation=false");
        Assert.AreEqual(0, result.ExitCode, "dotnet pack of the SDK failed:\n" + result.Output);
        var package = Directory.GetFiles(Feed, "ModelBuild.Sdk.*.nupkg").Single();
        Version = Path.GetFileNameWithoutExtension(package)["ModelBuild.Sdk.".Length..];
        _nextVersionPack = StartNextVersionPack();
    }

    /// <summary>The version <see cref="NextVersionFeed"/> packs: "a new ModelBuild release" (IncrementalRerunTests).</summary>
    public const string NextVersion = "0.1.1-e2e";

    /// <summary>The pack of <see cref="NextVersion"/>, started in the background as soon as the SDK is packed.</summary>
    private static DotNetProcess? _nextVersionPack;

    private static string NextFeed => Path.Combine(Root, "feed-" + NextVersion);

    /// <summary>
    /// This repository packed again as ModelBuild.Sdk <see cref="NextVersion"/> (Core and Tasks compiled anew, so their
    /// assembly versions and identities change as in a real release) into a feed of its own; returns that feed, waiting
    /// for the pack <see cref="Pack"/> started (its compile overlaps the first tests' builds, interrupts and waits).
    /// Uses a configuration of its own, so the repository's Debug/Release outputs are left alone, and restores nothing
    /// (the SDK's pack just did). Without the code analyzers: they change nothing in the assemblies, and the solution
    /// build has run them on this very code.
    /// </summary>
    public static string NextVersionFeed()
    {
        var pack = _nextVersionPack ?? throw new InvalidOperationException("the pack of " + NextVersion + " was not started");
        var result = pack.WaitForExit(TimeSpan.FromMinutes(15));
        Assert.AreEqual(0, result.ExitCode, $"dotnet pack of the SDK as {NextVersion} failed:\n" + result.Output);
        return NextFeed;
    }

    private static DotNetProcess StartNextVersionPack() =>
        DotNetProcess.Start(RepoPaths.Root, DotNet.UserPackageFolder, null, ownProcessGroup: false,
            "pack", Path.Combine(RepoPaths.Root, "nuget", "ModelBuild.Sdk.csproj"), "--no-restore", "-c", "E2ENextVersion", "-p:Version=" + NextVersion,
            "-o", NextFeed, "-nodeReuse:false", "-p:UseSharedCompilation=false", "-p:RunAnalyzers=false");

    [AssemblyCleanup]
    public static void Cleanup()
    {
        InRepoSample.RemoveSynthesizedModel();
        _nextVersionPack?.Dispose(); // kills it if no test waited for it
        try
        {
            if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A scratch folder left in /tmp is harmless.
        }
    }
}
