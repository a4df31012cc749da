using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.EdgeTpu;
using ModelBuild.EdgeTpuCompilerStandIn;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.EdgeTpu;

[TestClass]
public sealed class EdgeTpuCompilerLocatorTests
{
    private static string FakeCompiler(string folder)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, EdgeTpuCompilerLocator.ExecutableName);
        File.WriteAllText(path, "#!/bin/sh\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private static Func<string, string?> Env(string? variable, string path) =>
        name => name == EdgeTpuCompilerLocator.EnvironmentVariable ? variable : name == "PATH" ? path : null;

    [TestMethod]
    public void Explicit_path_wins_over_environment_variable_which_wins_over_PATH()
    {
        var root = RepoPaths.NewScratchDirectory("locator");
        var onPath = FakeCompiler(Path.Combine(root, "path"));
        var fromEnv = FakeCompiler(Path.Combine(root, "env"));
        var explicitOne = FakeCompiler(Path.Combine(root, "explicit"));

        var all = new EdgeTpuCompilerLocator { ExplicitPath = explicitOne, GetEnvironmentVariable = Env(fromEnv, Path.GetDirectoryName(onPath)!) }.Find();
        var envAndPath = new EdgeTpuCompilerLocator { GetEnvironmentVariable = Env(fromEnv, Path.GetDirectoryName(onPath)!) }.Find();
        var pathOnly = new EdgeTpuCompilerLocator { GetEnvironmentVariable = Env(null, "/nonexistent:" + Path.GetDirectoryName(onPath)) }.Find();
        var none = new EdgeTpuCompilerLocator { GetEnvironmentVariable = Env(null, "/nonexistent") }.Find();

        Assert.AreEqual((explicitOne, EdgeTpuCompilerSource.Property), all);
        Assert.AreEqual((fromEnv, EdgeTpuCompilerSource.EnvironmentVariable), envAndPath);
        Assert.AreEqual((onPath, EdgeTpuCompilerSource.Path), pathOnly);
        Assert.IsNull(none);
    }

    [TestMethod]
    public void Explicit_folder_means_the_compiler_inside_it()
    {
        var folder = Path.Combine(RepoPaths.NewScratchDirectory("locator"), "bin");
        var compiler = FakeCompiler(folder);

        var found = new EdgeTpuCompilerLocator { ExplicitPath = folder, GetEnvironmentVariable = Env(null, "") }.Find();

        Assert.AreEqual(compiler, found?.Path);
    }

    [TestMethod]
    public void Explicit_path_that_does_not_exist_is_an_error_naming_it()
    {
        var missing = Path.Combine(RepoPaths.NewScratchDirectory("locator"), "nope", "edgetpu_compiler");

        var e = Assert.ThrowsExactly<ModelBuildException>(() => new EdgeTpuCompilerLocator { ExplicitPath = missing, GetEnvironmentVariable = Env(null, "") }.Find());
        var fromEnv = Assert.ThrowsExactly<ModelBuildException>(() => new EdgeTpuCompilerLocator { GetEnvironmentVariable = Env(missing, "") }.Find());

        Assert.AreEqual("MB4007", e.Code);
        StringAssert.Contains(e.Message, missing);
        StringAssert.Contains(fromEnv.Message, EdgeTpuCompilerLocator.EnvironmentVariable);
        Assert.IsNull(EdgeTpuCompilerLocator.Find(missing), "the lenient static lookup used for stamps returns null");
    }

    [TestMethod]
    public void Version_is_read_from_the_stand_in_compiler()
    {
        var script = EdgeTpuCompilerStandInScript.WriteTo(RepoPaths.NewScratchDirectory("locator"));

        var compiler = new EdgeTpuCompilerLocator { ExplicitPath = script }.Locate();

        Assert.AreEqual("16.0.384591198", compiler?.Version);
    }
}
