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
    }

    /// <summary>
    /// Packs this repository again as ModelBuild.Sdk <paramref name="version"/> (Core and Tasks compiled anew, so their
    /// assembly versions and identities change as in a real release) into a feed of its own; returns that feed. Uses a
    /// configuration of its own, so the repository's Debug/Release outputs are left alone. Without the code analyzers:
    /// they change nothing in the assemblies, and the solution build has run them on this very code.
    /// </summary>
    public static string PackVersion(string version)
    {
        var feed = Path.Combine(Root, "feed-" + version);
        var result = DotNet.Run(RepoPaths.Root, DotNet.UserPackageFolder, "pack", Path.Combine(RepoPaths.Root, "nuget", "ModelBuild.Sdk.csproj"), "--no-restore",
            "-c", "E2ENextVersion", "-p:Version=" + version, "-o", feed, "-nodeReuse:false", "-p:UseSharedCompilation=false", "-p:RunAnalyzers=false");
        Assert.AreEqual(0, result.ExitCode, $"dotnet pack of the SDK as {version} failed:\n" + result.Output);
        return feed;
    }

    [AssemblyCleanup]
    public static void Cleanup()
    {
        InRepoSample.RemoveSynthesizedModel();
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
