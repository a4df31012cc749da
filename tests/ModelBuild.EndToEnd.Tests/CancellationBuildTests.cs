using System.Diagnostics;
using ModelBuild.EdgeTpuCompilerStandIn;
using ModelBuild.TestSupport;

namespace ModelBuild.EndToEnd.Tests;

/// <summary>
/// Interrupting `dotnet build` while a ModelBuild step works: the build stops as cancelled, promptly, and leaves
/// nothing a later build would mistake for up to date; that later build redoes the interrupted step and succeeds.
/// </summary>
[TestClass]
public sealed class CancellationBuildTests
{
    private const string MobileNet = "02_keras_apps_mobilenet_v1_0.25_224_imagenet_k2.8.h5";
    private const string Mnist = "13_mnist_edgetpu_tutorial_k2.h5";

    /// <summary>How long an interrupted build may take to stop (generous for a loaded CI machine; it takes ~1 s here).</summary>
    private static readonly TimeSpan StopWithin = TimeSpan.FromSeconds(30);

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void CtrlC_during_calibration_cancels_the_build_keeps_no_partial_output_and_the_next_build_reruns_and_succeeds()
    {
        // MobileNet 224×224 calibrated on 120 samples (synthetic: no calibration data), interrupted at its first progress
        // line (a tenth of the samples done), so the interrupt lands mid-calibration however fast or loaded the machine.
        const int samples = 120;
        var project = TestProject.Create(SdkStyle.ProjectSdk, ("mobilenet.h5", $"BudgetMiB=\"0.2\" CalibrationSamples=\"{samples}\" EdgeTpu=\"Off\""));
        project.AddSharedModel(MobileNet, "mobilenet.h5");

        DotNetResult cancelled;
        TimeSpan stopped;
        using (var build = project.StartBuild(ownProcessGroup: true))
        {
            Assert.IsTrue(build.WaitForOutput($"ModelBuild: mobilenet.h5: calibrating with up to {samples} samples", TimeSpan.FromMinutes(5)),
                "ConvertInt8 never started calibrating:\n" + TestProject.Tail(build.Output));
            Assert.IsTrue(build.WaitForOutput($"/{samples} samples, ", TimeSpan.FromMinutes(5)),
                "calibration reported no progress:\n" + TestProject.Tail(build.Output));
            var clock = Stopwatch.StartNew();
            build.Interrupt(); // Ctrl+C in a terminal: SIGINT to dotnet and every process of its job
            cancelled = build.WaitForExit(TimeSpan.FromMinutes(5));
            stopped = clock.Elapsed;
        }

        TestContext.WriteLine($"stopped {stopped.TotalSeconds:F1} s after Ctrl+C");
        Assert.AreNotEqual(0, cancelled.ExitCode, "a cancelled build does not succeed");
        TestProject.AssertOutputContains(cancelled, "Attempting to cancel the build", "MSBuild saw the Ctrl+C");
        TestProject.AssertOutputMatches(cancelled, @"error MB5002: .*cancelled", "the step reports its cancellation with its MB code");
        TestProject.AssertOutputLacks(cancelled, @"ModelBuild: mobilenet\.h5: wrote \d+ int8 models", "ConvertInt8 did not run to its end");
        Assert.IsLessThan(StopWithin, stopped, "the build stops promptly, not after calibrating to the end");
        Assert.IsEmpty(ProcessTable.WaitUntilNoneMention(project.Directory_, TimeSpan.FromSeconds(10)), "no build process left running");
        AssertNothingTrusted(project, "mobilenet");
        Assert.IsTrue(File.Exists(Path.Combine(project.ModelWorkDir("mobilenet"), "plan.json")), "CutModel had finished; its plan is complete and kept");

        var next = project.Build("--no-restore"); // the interrupted build had restored
        TestProject.AssertSucceeded(next, "the build after Ctrl+C");
        TestContext.WriteLine($"the build after Ctrl+C: {next.Elapsed.TotalSeconds:F1} s; "
                              + next.Output.Split('\n').FirstOrDefault(l => l.Contains("calibrated on", StringComparison.Ordinal))?.Trim());
        CollectionAssert.AreEqual(new[] { "ConvertInt8", "CompileEdgeTpu", "EmitCombos" }, next.PipelineTasksRun.ToArray(),
            "the interrupted step and those after it rerun; the finished CutModel does not");
        TestProject.AssertOutputContains(next, $"calibrated on {samples} samples", "calibration ran in full");
        var meta = project.Meta("mobilenet");
        Assert.IsGreaterThanOrEqualTo(2, meta.SegmentCount);
        foreach (var m in meta.Models)
            Assert.AreEqual(m.Bytes, new FileInfo(Path.Combine(project.OutDir, "mobilenet", "full_split", m.File)).Length, m.File);
    }

    [TestMethod]
    public void SIGINT_to_dotnet_during_Edge_TPU_compilation_stops_the_stand_in_compilers_and_keeps_no_compiled_model()
    {
        var standIn = EdgeTpuStandIn.Install(PackedSdk.Root);
        var project = TestProject.Create(SdkStyle.ProjectSdk);
        project.WriteProject(SdkStyle.ProjectSdk, $"<EdgeTpuCompilerPath>{standIn.Script}</EdgeTpuCompilerPath>", ("mnist.h5", "BudgetMiB=\"0.01\""));
        project.AddSharedModel(Mnist, "mnist.h5");
        standIn.Expose(project.BuildEnvironment, StandInLocation.PropertyOnly);
        project.BuildEnvironment[StandInEnvironment.SleepSeconds] = "300"; // compilers that take five minutes

        DotNetResult cancelled;
        TimeSpan stopped;
        using (var build = project.StartBuild(ownProcessGroup: false))
        {
            Assert.IsTrue(build.WaitForOutput("Task \"CompileEdgeTpu\"", TimeSpan.FromMinutes(5)), "CompileEdgeTpu never started:\n" + TestProject.Tail(build.Output));
            Assert.IsTrue(WaitFor(() => StandInsOf(project).Count > 0, TimeSpan.FromMinutes(1)), "no stand-in compiler process started");
            var clock = Stopwatch.StartNew();
            build.Interrupt(); // SIGINT to the dotnet process alone, as a CI runner or an IDE stopping the build sends it
            cancelled = build.WaitForExit(TimeSpan.FromMinutes(5));
            stopped = clock.Elapsed;
        }

        TestContext.WriteLine($"stopped {stopped.TotalSeconds:F1} s after SIGINT");
        Assert.AreNotEqual(0, cancelled.ExitCode);
        TestProject.AssertOutputContains(cancelled, "Attempting to cancel the build", "MSBuild saw the SIGINT");
        TestProject.AssertOutputMatches(cancelled, @"error MB5002: .*cancelled", "CompileEdgeTpu reports its cancellation");
        Assert.IsLessThan(StopWithin, stopped, "the build does not wait for the compilers");
        Assert.IsEmpty(ProcessTable.WaitUntilNoneMention(project.Directory_, TimeSpan.FromSeconds(10)), "the compilers were killed, not left running");
        AssertNothingTrusted(project, "mnist");
        Assert.IsTrue(File.Exists(Path.Combine(project.ModelWorkDir("mnist"), "models", "models.json")), "ConvertInt8 had finished; its models are kept");
        Assert.IsFalse(File.Exists(Path.Combine(project.ModelWorkDir("mnist"), "tpu", "edgetpu.json")), "no Edge TPU results");
        Assert.IsEmpty(Directory.GetFiles(project.ModelWorkDir("mnist"), "*_edgetpu.*", SearchOption.AllDirectories), "no compiled model or log in obj");

        project.BuildEnvironment[StandInEnvironment.SleepSeconds] = null;
        var next = project.Build("--no-restore"); // the interrupted build had restored
        TestProject.AssertSucceeded(next, "the build after the interrupt");
        CollectionAssert.AreEqual(new[] { "CompileEdgeTpu", "EmitCombos" }, next.PipelineTasksRun.ToArray());
        var meta = project.Meta("mnist");
        Assert.IsTrue(meta.Models.All(m => m.EdgeTpu.Status == "compiled" && File.Exists(Path.Combine(project.OutDir, "mnist", "full_split", m.EdgeTpu.CompiledFile!))),
            "every model compiled on the next build");
    }

    /// <summary>
    /// Nothing in bin, and nothing in obj that a next build would trust: no model store manifest unless complete, no
    /// layout, no staging or temporary files.
    /// </summary>
    private static void AssertNothingTrusted(TestProject project, string model)
    {
        Assert.IsFalse(Directory.Exists(Path.Combine(project.OutDir, model)), $"no {model} folder in bin");
        var work = project.ModelWorkDir(model);
        Assert.IsFalse(Directory.Exists(Path.Combine(work, "layout")), "no layout in obj");
        Assert.IsEmpty(project.StagingLeftovers(), "no staging or temporary files");
        var store = Path.Combine(work, "models");
        if (Directory.Exists(store))
        {
            // A store that exists must be complete: its manifest lists exactly the files it holds.
            var manifest = Path.Combine(store, "models.json");
            Assert.IsTrue(File.Exists(manifest), "a model store without its manifest");
            var listed = ModelBuild.Core.Slicing.ModelStore.ReadManifest(store).Select(m => m.File).Order().ToList();
            var present = Directory.GetFiles(store, "*.tflite").Select(Path.GetFileName).Order().ToList();
            CollectionAssert.AreEqual(listed, present, "the model store holds exactly what its manifest lists");
        }
    }

    private static List<string> StandInsOf(TestProject project) =>
        ProcessTable.CommandLinesContaining(project.Directory_).Where(c => c.Contains("EdgeTpuCompilerStandIn", StringComparison.Ordinal)).ToList();

    private static bool WaitFor(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (condition()) return true;
            Thread.Sleep(100);
        }

        return condition();
    }
}
