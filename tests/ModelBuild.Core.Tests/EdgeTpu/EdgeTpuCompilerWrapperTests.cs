using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.EdgeTpu;
using ModelBuild.EdgeTpuCompilerStandIn;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.EdgeTpu;

/// <summary>
/// EdgeTpuCompilerPath naming a wrapper script rather than the compiler: a script in a folder with spaces that runs the
/// stand-in, and the package's Docker recipe (sdk/ModelBuild.Sdk/tools/edgetpu_compiler-docker.sh) with a stand-in for
/// the docker command. Docker itself does not run on these machines: the second test checks the command line the recipe
/// gives docker (mount, user, image, the compiler's arguments unchanged), then runs the stand-in compiler with those
/// arguments in place of the container.
/// </summary>
[TestClass]
public sealed class EdgeTpuCompilerWrapperTests
{
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
