using System.Diagnostics;
using System.Runtime.InteropServices;
using ModelBuild.Core.Layout;
using ModelBuild.TestSupport;

namespace ModelBuild.EndToEnd.Tests;

/// <summary>
/// The `modelbuild` .NET tool as a user gets it: packed from this repository into a local feed, installed with
/// `dotnet tool install --tool-path` (fresh NuGet package folder), then run on a shared Keras model.
/// </summary>
[TestClass]
public sealed class ToolInstallTests
{
    private const string MobileNet = "02_keras_apps_mobilenet_v1_0.25_224_imagenet_k2.8.h5";

    /// <summary>The KerasModel metadata and Edge TPU properties, as `modelbuild build` flags.</summary>
    private static readonly string[] BuildFlags =
        ["--budget", "--quantization", "--calibration", "--samples", "--preprocessing", "--cuts", "--cut-candidates", "--output-subdirectory", "--edgetpu", "--edgetpu-compiler", "--edgetpu-timeout", "--cache", "--cache-max-gib"];

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Installed_tool_builds_a_shared_model_with_preprocessing_the_stand_in_compiler_behind_a_wrapper_and_the_model_cache()
    {
        var root = Path.Combine(PackedSdk.Root, "tool");
        var feed = Path.Combine(root, "feed");
        var pack = DotNet.Run(RepoPaths.Root, DotNet.UserPackageFolder, "pack", Path.Combine(RepoPaths.Root, "src", "ModelBuild.Cli", "ModelBuild.Cli.csproj"),
            "-c", "Release", "-o", feed, "-nodeReuse:false", "-p:UseSharedCompilation=false");
        TestProject.AssertSucceeded(pack, "dotnet pack of the tool");
        var package = Directory.GetFiles(feed, "ModelBuild.Tool.*.nupkg").Single();
        var version = Path.GetFileNameWithoutExtension(package)["ModelBuild.Tool.".Length..];

        var work = Path.Combine(root, "work");
        Directory.CreateDirectory(work);
        File.WriteAllText(Path.Combine(work, "nuget.config"), "<configuration><packageSources><clear /></packageSources></configuration>");
        var toolPath = Path.Combine(root, "tools");
        var install = DotNet.Run(work, Path.Combine(root, "fresh-packages"), "tool", "install", "ModelBuild.Tool", "--tool-path", toolPath, "--add-source", feed, "--version", version);
        TestProject.AssertSucceeded(install, "dotnet tool install --tool-path");
        var modelbuild = Path.Combine(toolPath, OperatingSystem.IsWindows() ? "modelbuild.exe" : "modelbuild");
        Assert.IsTrue(File.Exists(modelbuild), "the modelbuild command: " + install.Output);

        var help = RunTool(modelbuild, work, [], "build", "--help");
        Assert.AreEqual(0, help.ExitCode, help.Output);
        foreach (var flag in BuildFlags) StringAssert.Contains(help.Output, flag + " ", "build --help lists " + flag);

        var standIn = EdgeTpuStandIn.Install(PackedSdk.Root);
        var wrapper = Path.Combine(root, "edge tpu", "edgetpu wrapper.sh");
        Directory.CreateDirectory(Path.GetDirectoryName(wrapper)!);
        File.WriteAllText(wrapper, $"#!/bin/sh\nexec \"{standIn.Script}\" \"$@\"\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var cache = Path.Combine(root, "model cache");
        string[] Build(string output) => ["build", RepoPaths.KerasModel(MobileNet), output, "--budget", "0.25", "--preprocessing", "tf", "--calibration", RepoPaths.Images,
            "--samples", "4", "--output-subdirectory", "mnv1", "--edgetpu", "Required", "--edgetpu-compiler", wrapper, "--cache", cache];
        var environment = new Dictionary<string, string> { [EdgeTpuCompilerStandIn.StandInEnvironment.ArgsFile] = standIn.InvocationsFile };
        var build = RunTool(modelbuild, work, environment, Build("out"));
        TestContext.WriteLine(build.Output);
        Assert.AreEqual(0, build.ExitCode, build.Output);
        Assert.DoesNotContain("restored from cache", build.Output, "an empty cache has nothing to restore");

        var layout = Path.Combine(work, "out", "mnv1");
        var full = ComboMeta.FromJson(File.ReadAllText(Path.Combine(layout, "full_split", "meta.json")));
        Assert.AreEqual("tf", full.Calibration.Preprocessing);
        Assert.AreEqual(4, full.Calibration.Samples);
        Assert.AreEqual(0.25, full.BudgetMiB);
        Assert.IsGreaterThanOrEqualTo(2, full.K, "the budget cuts the model");
        CollectionAssert.AreEquivalent(
            new[] { "full_split" }.Concat(Enumerable.Range(2, full.K - 1).Select(k => $"pairs_k{k}")).ToList(),
            Directory.GetDirectories(layout).Select(Path.GetFileName).ToList(), "full_split and pairs_k2..K");
        foreach (var combo in Directory.GetDirectories(layout))
        {
            var meta = ComboMeta.FromJson(File.ReadAllText(Path.Combine(combo, "meta.json")));
            foreach (var m in meta.Models)
            {
                Assert.AreEqual("compiled", m.EdgeTpu.Status, $"{meta.Combo}/{m.File}: {m.EdgeTpu.Message}");
                Assert.IsTrue(File.Exists(Path.Combine(combo, m.File)), $"{meta.Combo}/{m.File}");
            }

            Assert.IsNotEmpty(Directory.GetFiles(combo, "*_edgetpu.tflite", SearchOption.AllDirectories), meta.Combo);
        }

        Assert.IsNotEmpty(standIn.Compilations(), "the stand-in compiled, through the wrapper");
        Assert.IsTrue(File.Exists(Path.Combine(work, "out", "obj", "mnv1", "plan.json")), "work files under out/obj/<name>");

        var compilations = standIn.Compilations().Count;
        var again = RunTool(modelbuild, work, environment, Build("out-again"));
        TestContext.WriteLine(again.Output);
        Assert.AreEqual(0, again.ExitCode, again.Output);
        Assert.AreEqual(3, again.Output.Split("restored from cache").Length - 1, "cut plan, int8 models and Edge TPU outputs come from the cache: " + again.Output);
        Assert.DoesNotContain("calibrating", again.Output, "no calibration on a cache hit");
        Assert.AreEqual(compilations, standIn.Compilations().Count, "no compiler run on a cache hit");
        foreach (var file in Directory.GetFiles(layout, "*", SearchOption.AllDirectories))
        {
            var twin = Path.Combine(work, "out-again", "mnv1", Path.GetRelativePath(layout, file));
            CollectionAssert.AreEqual(File.ReadAllBytes(file), File.ReadAllBytes(twin), "byte-identical from the cache: " + Path.GetRelativePath(layout, file));
        }
    }

    private static DotNetResult RunTool(string exe, string workingDirectory, Dictionary<string, string> environment, params string[] arguments)
    {
        var psi = new ProcessStartInfo(exe) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        // The tool's launcher finds the runtime this test runs on.
        psi.Environment["DOTNET_ROOT"] = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10))) process.Kill(entireProcessTree: true);
        process.WaitForExit();
        return new DotNetResult(process.ExitCode, stdout.Result + stderr.Result, clock.Elapsed);
    }
}
