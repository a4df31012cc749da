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

    // EdgeTpuCompilerPath naming a wrapper script rather than the compiler: a script in a folder with spaces
    // that runs the stand-in, and the package's Docker recipe (sdk/ModelBuild.Sdk/tools/edgetpu_compiler-
    // docker.sh) with a stand-in for the docker command, whose command line (mount, user, image, arguments
    // unchanged) is checked before the stand-in compiler runs with those arguments in place of the container.

    private static string DockerRecipe => Path.Combine(RepoPaths.Root, "sdk", "ModelBuild.Sdk", "tools", "edgetpu_compiler-docker.sh");

    [TestMethod]
    public void A_wrapper_script_whose_path_has_spaces_runs_the_stand_in_given_plain_or_quoted()
    {
        var folder = Path.Combine(RepoPaths.NewScratchDirectory("wrapper"), "edge tpu tools");
        var standIn = EdgeTpuCompilerStandInScript.WriteTo(Path.Combine(folder, "stand in"));
        var wrapper = WriteScript(Path.Combine(folder, "edgetpu compiler.sh"), $"exec \"{standIn}\" \"$@\"");

        foreach (var given in new[] { wrapper, $"\"{wrapper}\"" })
        {
            var compiler = new EdgeTpuCompilerLocator { ExplicitPath = given, GetEnvironmentVariable = _ => null }.Locate();
            Assert.IsNotNull(compiler, given);
            Assert.AreEqual(wrapper, compiler.Path, "quotes around the path are not part of it");
            Assert.AreEqual("16.0.384591198", compiler.Version, "--version went through the wrapper");

            var outDir = Path.Combine(folder, "out put", Guid.NewGuid().ToString("N")[..6]);
            var results = new EdgeTpuCompilerDriver(compiler).Compile([RepoPaths.TfLiteModel("13_mnist_int8.tflite")], outDir, new RecordingBuildLog());
            Assert.AreEqual(EdgeTpuCompileResult.Compiled, results[0].Status, results[0].Message);
            Assert.IsTrue(File.Exists(Path.Combine(outDir, "13_mnist_int8_edgetpu.tflite")));
        }
    }

    [TestMethod]
    public void The_Docker_recipe_mounts_the_folder_holding_the_model_and_output_at_the_same_path_and_passes_the_arguments_unchanged()
    {
        if (OperatingSystem.IsWindows()) Assert.Inconclusive("the recipe is a POSIX shell script");
        var scratch = Path.Combine(RepoPaths.NewScratchDirectory("docker"), "my project");
        var standIn = EdgeTpuCompilerStandInScript.WriteTo(Path.Combine(scratch, "standin"));
        var dockerLog = Path.Combine(scratch, "docker-args.txt");
        // In place of docker: record the arguments, skip docker's own up to the command in the container, run that.
        var docker = WriteScript(Path.Combine(scratch, "fake docker"),
            $"printf '%s\\n' \"$@\" > \"{dockerLog}\"\nwhile [ \"$1\" != edgetpu_compiler ]; do shift; done\nshift\nexec \"{standIn}\" \"$@\"");
        var work = Path.Combine(scratch, "obj", "ModelBuild", "resnet8");
        var model = Path.Combine(work, "models", "seg1_int8.tflite");
        Directory.CreateDirectory(Path.GetDirectoryName(model)!);
        File.Copy(RepoPaths.TfLiteModel("13_mnist_int8.tflite"), model);
        var argsFile = Path.Combine(scratch, "compiler-args.txt");

        var driver = new EdgeTpuCompilerDriver(new EdgeTpuCompiler(DockerRecipe, EdgeTpuCompilerSource.Property, null),
            EdgeTpuCompileOptions.ForTimeout(TimeSpan.FromSeconds(120)) with
            {
                EnvironmentVariables = new Dictionary<string, string> { ["MODELBUILD_DOCKER"] = docker, [StandInEnvironment.ArgsFile] = argsFile },
            });
        var results = driver.Compile([model], Path.Combine(work, "tpu"), new RecordingBuildLog());

        Assert.AreEqual(EdgeTpuCompileResult.Compiled, results[0].Status, results[0].Message);
        Assert.IsTrue(File.Exists(Path.Combine(work, "tpu", "seg1_int8_edgetpu.tflite")));
        var args = File.ReadAllLines(dockerLog);
        int volume = Array.IndexOf(args, "--volume");
        Assert.AreEqual($"{work}:{work}", args[volume + 1], "the model's work folder, at the same path");
        Assert.AreEqual(work, args[Array.IndexOf(args, "--workdir") + 1]);
        Assert.AreEqual("--rm", args[1]);
        Assert.AreEqual("linux/amd64", args[Array.IndexOf(args, "--platform") + 1], "the compiler is x86-64 only");
        StringAssert.Matches(args[Array.IndexOf(args, "--user") + 1], new System.Text.RegularExpressions.Regex(@"^\d+:\d+$"), "outputs owned by the caller");
        int command = Array.IndexOf(args, "edgetpu_compiler");
        Assert.AreEqual("modelbuild/edgetpu-compiler", args[command - 1], "the default image");
        var compilerArgs = File.ReadAllText(argsFile).TrimEnd('\n').Split('\t');
        CollectionAssert.AreEqual(compilerArgs, args[(command + 1)..], "the driver's arguments reach the compiler unchanged");
        Assert.IsTrue(compilerArgs.Where(Path.IsPathRooted).All(p => p.StartsWith(work + "/", StringComparison.Ordinal)), "every path argument is inside the mount");
    }

    private static string WriteScript(string path, string body)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
