using ModelBuild.Core.EdgeTpu;
using ModelBuild.Core.TfLite;
using ModelBuild.EdgeTpuCompilerStandIn;
using ModelBuild.TestSupport;

namespace ModelBuild.Sdk.Tests;

/// <summary>
/// Builds with Edge TPU compilation, against ModelBuild's <b>stand-in</b> for Google's edgetpu_compiler
/// (tests/ModelBuild.EdgeTpuCompilerStandIn; the real compiler cannot be installed on these machines). The stand-in
/// copies the real compiler's command line, file names and report format, and fails the ways it can fail. Which
/// operations it maps and its memory figures come from its own reading of Coral's documentation (it shares no code with
/// ModelBuild), so where these tests compare its report with our static check they test that two readings agree;
/// the real compiler itself is measured in Core.Tests' EdgeTpuStaticCheckTests. In-process builds with the real tasks,
/// the stand-in running as a real process (moved here from the end-to-end tests, where each build was a `dotnet build`
/// process); the layout checks are in <see cref="StandInLayoutAssert"/>.
/// </summary>
[TestClass]
public sealed class EdgeTpuStandInBuildTests
{
    private const string ResNet8 = "03_mlperf_tiny_resnet8_cifar10_k2.4.h5";
    private const string Mnist = "13_mnist_edgetpu_tutorial_k2.h5";
    private const string SmallBudget = "BudgetMiB=\"0.03\"";
    private const double MiB = 1024.0 * 1024.0;

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void StandIn_compiler_via_EdgeTpuCompilerPath_compiles_every_model_into_every_combo_and_a_second_build_does_not_recompile()
    {
        var standIn = EdgeTpuStandIn.Install(SdkProject.ScratchRoot);
        var project = SdkProject.CreateWithTasks(Body($"<EdgeTpuCompilerPath>{standIn.Script}</EdgeTpuCompilerPath>", "resnet8.h5", SmallBudget));
        project.AddSharedModel(ResNet8, "resnet8.h5");
        standIn.Expose(project.BuildEnvironment, StandInLocation.PropertyOnly);

        var first = project.BuildModels();
        first.AssertSucceeded("first build");
        TestContext.WriteLine($"first build with the stand-in: {first.Elapsed.TotalSeconds:F1} s");
        CollectionAssert.AreEqual(RecordingLogger.PipelineTasks, first.PipelineTasksRun.ToArray());
        first.AssertLacks("warning MB4", "every operation of ResNet-8 maps and every segment fits on-chip: no Edge TPU warning");
        var models = StandInLayoutAssert.Compiled(project, "resnet8");
        Assert.IsGreaterThanOrEqualTo(4, models.Count, "K ≥ 3: segments and tails");

        var runs = standIn.Compilations();
        CollectionAssert.AreEquivalent(models, runs.Select(r => Path.GetFileName(r[^1])).ToList(), "one compiler run per distinct model");
        foreach (var run in runs)
        {
            Assert.AreEqual("-s", run[0], "the operation table is asked for");
            Assert.AreEqual("-o", run[1]);
            CollectionAssert.AreEqual(new[] { "-t", "600" }, run[3..5], "EdgeTpuTimeoutSeconds (default 600) is the compiler's own timeout: " + string.Join(' ', run));
            Assert.IsTrue(Path.IsPathRooted(run[2]) && Path.IsPathRooted(run[^1]), string.Join(' ', run));
        }

        foreach (var model in models)
            Assert.AreEqual(1, first.LinesContaining($"ModelBuild: Edge TPU: {model} -> {Path.GetFileNameWithoutExtension(model)}_edgetpu.tflite: "),
                $"one build message for {model}");
        var lines = first.Log.Lines;
        int checkLine = lines.FindIndex(l => l.Contains($"ModelBuild: resnet8.h5: Edge TPU check of {models.Count} models in ", StringComparison.Ordinal));
        int compilerLine = lines.FindIndex(l => l.Contains("ModelBuild: Edge TPU: ", StringComparison.Ordinal));
        Assert.IsTrue(checkLine >= 0 && checkLine < compilerLine, "ModelBuild's own check reports once, before the compiler's first result");
        TestContext.WriteLine(lines[checkLine].Trim());

        var afterFirst = LayoutSnapshot.Of(project.OutDir, "resnet8");
        var second = project.BuildModels();
        second.AssertSucceeded("second build");
        Assert.IsEmpty(second.PipelineTasksRun, "nothing changed: no ModelBuild step runs, CompileEdgeTpu included");
        Assert.HasCount(runs.Count, standIn.Compilations(), "the compiler did not run again");
        Assert.AreEqual(0, second.LinesContaining("ModelBuild: Edge TPU: "));
        Assert.AreEqual(0, second.LinesContaining("Edge TPU check of"), "nor the check");
        CollectionAssert.AreEquivalent(afterFirst.ToList(), LayoutSnapshot.Of(project.OutDir, "resnet8").ToList(), "outputs untouched");
    }

    [TestMethod]
    public void StandIn_found_later_through_MODELBUILD_EDGETPU_COMPILER_then_PATH_compiles_without_redoing_the_CPU_models()
    {
        var project = SdkProject.CreateWithTasks(Body("", "mnist.h5", "BudgetMiB=\"0.01\""));
        project.AddSharedModel(Mnist, "mnist.h5");

        var none = project.BuildModels();
        none.AssertSucceeded("build without a compiler");
        none.AssertContains("warning MB4001", "no compiler: Auto warns");
        Assert.IsTrue(project.Meta("mnist").Models.All(m => m.EdgeTpu.Status == "skipped" && m.EdgeTpu.Operators!.Count == 0));
        Assert.IsTrue(project.Meta("mnist").Models.All(m => m.EdgeTpuCheck is { OperationsOnCpu: 0, OnChipFit: "fits" }), "no compiler: ModelBuild's own check is there");
        Assert.IsEmpty(StandInLayoutAssert.TpuFilesInBin(project, "mnist"));
        var cpuModels = LayoutSnapshot.Of(project.OutDir, "mnist").Where(f => f.Key.Contains("/tflite/", StringComparison.Ordinal)).ToList();

        var byVariable = EdgeTpuStandIn.Install(SdkProject.ScratchRoot);
        byVariable.Expose(project.BuildEnvironment, StandInLocation.EnvironmentVariable);
        var second = project.BuildModels();
        second.AssertSucceeded("build with MODELBUILD_EDGETPU_COMPILER set");
        CollectionAssert.AreEqual(new[] { "CompileEdgeTpu", "EmitCombos" }, second.PipelineTasksRun.ToArray(), "a compiler appearing reruns only the Edge TPU step and the layout");
        second.AssertLacks("MB4001", "the compiler was found");
        var models = StandInLayoutAssert.Compiled(project, "mnist");
        Assert.HasCount(models.Count, byVariable.Compilations(), "MODELBUILD_EDGETPU_COMPILER's compiler ran once per model");
        foreach (var (file, time) in cpuModels)
            Assert.AreEqual(time, File.GetLastWriteTimeUtc(Path.Combine(project.OutDir, "mnist", file)), $"{file} was not rewritten");

        var onPath = EdgeTpuStandIn.Install(SdkProject.ScratchRoot);
        project.BuildEnvironment[EdgeTpuCompilerLocator.EnvironmentVariable] = null;
        onPath.Expose(project.BuildEnvironment, StandInLocation.Path);
        var third = project.BuildModels();
        third.AssertSucceeded("build with edgetpu_compiler on PATH");
        CollectionAssert.AreEqual(new[] { "CompileEdgeTpu", "EmitCombos" }, third.PipelineTasksRun.ToArray(), "another compiler: the Edge TPU step reruns");
        StandInLayoutAssert.Compiled(project, "mnist");
        Assert.HasCount(models.Count, onPath.Compilations(), "the compiler on PATH ran once per model");

        project.BuildEnvironment["PATH"] = project.BuildEnvironment["PATH"]!.Replace(onPath.Folder + Path.PathSeparator, "", StringComparison.Ordinal);
        var removed = project.BuildModels();
        removed.AssertSucceeded("build after the compiler went away");
        removed.AssertContains("warning MB4001", "compiler gone: Auto warns again");
        Assert.IsTrue(project.Meta("mnist").Models.All(m => m.EdgeTpu.Status == "skipped"));
        Assert.IsEmpty(StandInLayoutAssert.TpuFilesInBin(project, "mnist"), "no compiled model in bin that meta.json no longer lists");
    }

    [TestMethod]
    public void EdgeTpu_Required_without_a_compiler_fails_with_MB4001_a_missing_EdgeTpuCompilerPath_with_MB4007_and_Off_runs_no_compiler_and_warns_nothing()
    {
        var project = SdkProject.CreateWithTasks(Body("", "mnist.h5", "BudgetMiB=\"0.01\" EdgeTpu=\"Required\""));
        project.AddSharedModel(Mnist, "mnist.h5");

        var required = project.BuildModels();
        required.AssertFailed("EdgeTpu=Required with no compiler");
        required.AssertMatches(@"mnist\.h5 : error MB4001: .*Required", "MB4001 as an error, naming the .h5 and the mode");
        required.AssertContains("apt-get install edgetpu-compiler", "says how to install it");
        StandInLayoutAssert.NoOutputs(project, "mnist");

        var missing = Path.Combine(project.Directory_, "no-such-folder", "edgetpu_compiler");
        project.Rewrite(Body($"<EdgeTpuCompilerPath>{missing}</EdgeTpuCompilerPath>", "mnist.h5", "BudgetMiB=\"0.01\""));
        var wrongPath = project.BuildModels();
        wrongPath.AssertFailed("an EdgeTpuCompilerPath that does not exist is an error, not a silent skip");
        wrongPath.AssertContains("error MB4007", "missing compiler path");
        wrongPath.AssertContains(missing, "the error names the path");
        StandInLayoutAssert.NoOutputs(project, "mnist");

        // Off: a compiler is reachable every way there is, and still none runs.
        var standIn = EdgeTpuStandIn.Install(SdkProject.ScratchRoot);
        standIn.Expose(project.BuildEnvironment, StandInLocation.EnvironmentVariable);
        standIn.Expose(project.BuildEnvironment, StandInLocation.Path);
        project.Rewrite(Body($"<EdgeTpuCompilerPath>{standIn.Script}</EdgeTpuCompilerPath>", "mnist.h5", "BudgetMiB=\"0.01\" EdgeTpu=\"Off\""));
        var off = project.BuildModels();
        off.AssertSucceeded("EdgeTpu=Off build");
        Assert.IsFalse(File.Exists(standIn.InvocationsFile), "no compiler process, not even --version");
        off.AssertLacks(@"(warning|error) MB4\d{3}", "Off warns nothing about the Edge TPU");
        var meta = project.Meta("mnist");
        Assert.IsTrue(meta.Models.All(m => m.EdgeTpu.Status == "off"), string.Join(", ", meta.Models.Select(m => m.EdgeTpu.Status)));
        foreach (var m in meta.Models)
        {
            var check = m.EdgeTpuCheck ?? throw new AssertFailedException($"{m.File}: Off still has ModelBuild's own check (always on)");
            int operations = TfLiteFlatModel.ReadFile(Path.Combine(project.OutDir, "mnist", "full_split", m.File)).Subgraphs[0].Operators.Count;
            Assert.AreEqual((operations, operations, 0), (check.Operations, check.OperationsOnEdgeTpu, check.OperationsOnCpu), m.File);
        }

        off.AssertContains("mnist.h5: Edge TPU check of 3 models in ", "the check's line");
        StringAssert.Contains(File.ReadAllText(Path.Combine(project.OutDir, "mnist", "full_split", "note.txt")),
            "Edge TPU check (ModelBuild's own, without the compiler): all 2 models map fully to the Edge TPU");
        Assert.IsEmpty(StandInLayoutAssert.TpuFilesInBin(project, "mnist"));
    }

    [TestMethod]
    public void StandIn_failure_modes_fail_the_build_with_the_compilers_message_and_keep_nothing_then_a_good_compiler_succeeds()
    {
        var standIn = EdgeTpuStandIn.Install(SdkProject.ScratchRoot);
        var project = SdkProject.CreateWithTasks(Body($"<EdgeTpuCompilerPath>{standIn.Script}</EdgeTpuCompilerPath>", "mnist.h5", "BudgetMiB=\"0.01\""));
        project.AddSharedModel(Mnist, "mnist.h5");
        standIn.Expose(project.BuildEnvironment, StandInLocation.PropertyOnly);

        // Internal compiler error (exit 1): every model fails; the first is named, the others counted.
        project.BuildEnvironment[StandInEnvironment.Fail] = "1";
        var crash = AssertFails(project, "compiler crash", "MB4002", ["Internal compiler error. Aborting!"]);
        crash.AssertContains("2 more model(s) failed", "the other failures are counted");
        project.BuildEnvironment[StandInEnvironment.Fail] = null;

        // Exit 0 but no output model.
        project.BuildEnvironment[StandInEnvironment.NoOutput] = "1";
        AssertFails(project, "exit 0 without output", "MB4004", ["exited 0 for seg1_int8.tflite but wrote no seg1_int8_edgetpu.tflite"]);
        project.BuildEnvironment[StandInEnvironment.NoOutput] = null;

        // A compilation longer than EdgeTpuTimeoutSeconds: the compiler's own timer (-t) ends it, in its words.
        project.BuildEnvironment[StandInEnvironment.SleepSeconds] = "120";
        var slow = AssertFails(project, "compiler's own timeout", "MB4003",
            ["stopped compiling seg1_int8.tflite at its own timeout of 1 s (-t)", "Compilation timeout. This is usually caused by large activations."], ("EdgeTpuTimeoutSeconds", "1"));
        Assert.IsLessThan(60, slow.Elapsed.TotalSeconds, "ended by the compiler after 1 s");
        Assert.IsTrue(standIn.Compilations().TakeLast(3).All(run => run[3] == "-t" && run[4] == "1"), "EdgeTpuTimeoutSeconds reached the compiler as -t");
        project.BuildEnvironment[StandInEnvironment.SleepSeconds] = null;

        // A compiler that hangs past its own timer: ModelBuild kills it a grace period later (1 s + 5 s).
        project.BuildEnvironment[StandInEnvironment.HangSeconds] = "120";
        var hung = AssertFails(project, "hung compiler", "MB4003",
            ["did not finish compiling seg1_int8.tflite within 1 s: its own timer (-t 1) did not stop it, so ModelBuild killed it after 6 s"], ("EdgeTpuTimeoutSeconds", "1"));
        Assert.IsLessThan(60, hung.Elapsed.TotalSeconds, "the hung compilers were stopped after 6 s, not waited for");
        Assert.IsEmpty(ProcessTable.WaitUntilNoneMention(project.Directory_, TimeSpan.FromSeconds(10)), "no compiler process left running");
        project.BuildEnvironment[StandInEnvironment.HangSeconds] = null;

        // The compiler rejects a model it cannot parse, and one that is not quantized. ModelBuild always hands it int8
        // flatbuffers, so the model store in obj is tampered with to reach these two; the other models compile fine,
        // yet none of their outputs may be kept.
        var seg2 = Path.Combine(project.ModelWorkDir("mnist"), "models", "seg2_int8.tflite");
        var original = File.ReadAllBytes(seg2);
        var originalTime = File.GetLastWriteTimeUtc(seg2);
        Replace(seg2, [.. "not a flatbuffer"u8.ToArray(), .. new byte[64]]);
        var unparsable = AssertFails(project, "unparsable model", "MB4002", ["failed on seg2_int8.tflite (exit code 1)", "Model could not be parsed"]);
        unparsable.AssertMatches(@"/mnist\.h5 : warning MB4022: seg2_int8\.tflite: ModelBuild's own Edge TPU check could not read this model", "the check says it could not read it, and leaves the verdict to the compiler");
        Replace(seg2, File.ReadAllBytes(RepoPaths.TfLiteModel("03_pretrainedResnet_float.tflite")));
        var floatModel = AssertFails(project, "float model", "MB4002", ["failed on seg2_int8.tflite (exit code 1)", "Model not quantized"]);
        floatModel.AssertMatches(@"/mnist\.h5 : warning MB4020: seg2_int8\.tflite: \d+ of \d+ operations would run on the CPU .*Float32", "the check, before the compiler, saw the float model");
        Replace(seg2, original);
        File.SetLastWriteTimeUtc(seg2, originalTime);

        // Nothing the failures left behind is trusted or in the way: the next build compiles and lays out everything,
        // without redoing the CPU steps that had succeeded.
        var good = project.BuildModels();
        good.AssertSucceeded("build with a working compiler after the failures");
        CollectionAssert.AreEqual(new[] { "CompileEdgeTpu", "EmitCombos" }, good.PipelineTasksRun.ToArray());
        StandInLayoutAssert.Compiled(project, "mnist");
    }

    [TestMethod]
    public void StandIn_partial_mapping_and_off_chip_parameters_are_warnings_naming_the_model_and_the_numbers()
    {
        var standIn = EdgeTpuStandIn.Install(SdkProject.ScratchRoot);
        var project = SdkProject.CreateWithTasks(Body("", "leaky.h5", $"Cuts=\"{LeakyReluKerasModel.CutAfterLeakyRelu}\" CalibrationSamples=\"4\""));
        LeakyReluKerasModel.Write(Path.Combine(project.Directory_, "leaky.h5"));
        standIn.Expose(project.BuildEnvironment, StandInLocation.Path);
        project.BuildEnvironment[StandInEnvironment.OnChipBytes] = "512"; // a tiny on-chip cache: conv2 + dense (≈ 0.7 KB) streams

        var build = project.BuildModels();
        build.AssertSucceeded("build of a model the Edge TPU runs only in part");
        var full = project.Meta("leaky");
        Assert.AreEqual(2, full.SegmentCount);
        var seg1 = full.Models.Single(m => m.File == "tflite/seg1_int8.tflite").EdgeTpu;
        var seg2 = full.Models.Single(m => m.File == "tflite/seg2_int8.tflite").EdgeTpu;
        TestContext.WriteLine($"seg1: {seg1}\nseg2: {seg2}");

        // seg1 = CONV_2D, LEAKY_RELU: the compiler maps the convolution and leaves LEAKY_RELU to the CPU.
        Assert.AreEqual("compiled", seg1.Status);
        Assert.AreEqual((1, 2), (seg1.OperationsMapped!.Value, seg1.OperationsTotal!.Value));
        CollectionAssert.AreEqual(new[] { ("CONV_2D", 1, "Mapped to Edge TPU"), ("LEAKY_RELU", 1, "Operation not supported") },
            seg1.Operators!.Select(o => (o.Operator, o.Count, o.Status)).ToArray(), "the compiler's operation table in meta.json");
        build.AssertMatches(@"/leaky\.h5 : warning MB4010: 1 of 2 operations of seg1_int8\.tflite will run on the CPU.*LEAKY_RELU x1: Operation not supported", "MB4010 for seg1, naming the .h5");
        build.AssertLacks(@"warning MB4010: \d+ of \d+ operations of (seg2|tail)", "seg2 (and the tail that is seg2) map completely");

        // ModelBuild's own check said so before the compiler ran, and meta.json keeps its prediction beside the compiler's table.
        build.AssertMatches(@"/leaky\.h5 : warning MB4020: seg1_int8\.tflite: 1 of 2 operations would run on the CPU instead of the Edge TPU .*LEAKY_RELU 'leaky' \(operation 2\): LEAKY_RELU is not in the Edge TPU's supported-operations table",
            "MB4020 for seg1");
        build.AssertLacks(@"warning MB4020: (seg2|tail)", "the check warns for seg1 alone: seg2 (and the tail that is seg2) map fully");
        build.AssertLacks("MB4021", "the check's 8 MiB cache holds every segment");
        var check1 = full.Models[0].EdgeTpuCheck!;
        Assert.AreEqual((2, 1, 1), (check1.Operations, check1.OperationsOnEdgeTpu, check1.OperationsOnCpu));
        Assert.AreEqual(("LEAKY_RELU", "leaky", 1), (check1.CpuOperations.Single().Operator, check1.CpuOperations.Single().Output, check1.CpuOperations.Single().Index));
        CollectionAssert.AreEqual(seg1.Operators!.Select(o => (o.Operator, o.Count, o.Status)).ToArray(), check1.Operators.Select(o => (o.Operator, o.Count, o.Status)).ToArray(),
            "stand-in agrees with our check: its table (its own reading of Coral's rules) is the one our check predicted");
        StringAssert.Contains(File.ReadAllText(Path.Combine(project.OutDir, "leaky", "full_split", "note.txt")),
            "  seg1_int8.tflite: 1 of 2 operations would run on the CPU (from LEAKY_RELU 'leaky': ");
        int seg2Operations = TfLiteFlatModel.ReadFile(Path.Combine(project.OutDir, "leaky", "full_split", "tflite", "seg2_int8.tflite")).Subgraphs[0].Operators.Count;
        Assert.AreEqual((seg2Operations, seg2Operations), (seg2.OperationsMapped!.Value, seg2.OperationsTotal!.Value));

        // seg2's parameters exceed the 512-byte cache: the rest streams from host memory.
        Assert.IsGreaterThan(0.0, seg2.OffChipMemoryMiB!.Value, "meta.json records the off-chip share");
        Assert.AreEqual(512 / MiB, seg2.OnChipMemoryMiB!.Value, 1e-4);
        Assert.AreEqual(0.0, seg2.OnChipMemoryRemainingMiB, "the whole cache is used");
        Assert.AreEqual(full.Models[1].EdgeTpuCheck!.ParameterBytes / MiB, seg2.OnChipMemoryMiB!.Value + seg2.OffChipMemoryMiB!.Value, 1e-4,
            "stand-in agrees with our check: the parameters it placed, on-chip and off, are our check's estimate");
        build.AssertMatches(@"/leaky\.h5 : warning MB4011: seg2_int8\.tflite streams [\d.]+K?i?B of parameters from host memory .*on-chip cache used 512\.00B", "MB4011 for seg2");
        Assert.IsTrue(File.Exists(Path.Combine(project.OutDir, "leaky", "full_split", seg2.CompiledFile!)), "warnings keep the compiled models");
    }

    /// <summary>
    /// Builds, expects failure with one error <paramref name="code"/> naming a model, every one of <paramref name="expected"/>
    /// in the output, and no outputs kept.
    /// </summary>
    private static ModelBuildRun AssertFails(SdkProject project, string what, string code, string[] expected, params (string Name, string Value)[] globalProperties)
    {
        var build = project.BuildModels(globalProperties);
        build.AssertFailed(what);
        build.AssertMatches(@"/mnist\.h5 : error " + code + @": .*seg\d_int8\.tflite", $"{what}: error {code} naming the .h5 by its full path as the file, and the model in the text");
        foreach (var text in expected) build.AssertContains(text, $"{what}: the compiler's own message");
        Assert.HasCount(1, build.Log.Errors, $"{what}: one error for the whole step");
        build.AssertLacks("   at ModelBuild\\.", "no stack trace");
        StandInLayoutAssert.NoOutputs(project, "mnist");
        return build;
    }

    private static string Body(string properties, string model, string attributes) =>
        $"<PropertyGroup>{properties}</PropertyGroup><ItemGroup><KerasModel Include=\"{model}\" {attributes} /></ItemGroup>";

    /// <summary>Writes a new file in place of <paramref name="path"/> (never through a hard link the layout may share).</summary>
    private static void Replace(string path, byte[] bytes)
    {
        File.Delete(path);
        File.WriteAllBytes(path, bytes);
    }
}
