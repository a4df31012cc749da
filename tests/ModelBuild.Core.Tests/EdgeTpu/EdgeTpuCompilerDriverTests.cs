using System.Diagnostics;
using System.Globalization;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.EdgeTpu;
using ModelBuild.Core.TfLite;
using ModelBuild.EdgeTpuCompilerStandIn;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.EdgeTpu;

/// <summary>
/// The driver against ModelBuild's stand-in for edgetpu_compiler (the real one cannot be installed here). The figures
/// expected are read from the model files here (<see cref="ModelFacts"/>), not taken from either the stand-in or our check.
/// </summary>
[TestClass]
public sealed class EdgeTpuCompilerDriverTests
{
    /// <summary>What a model file holds: operators, distinct operator kinds, DEQUANTIZE count, bytes of its constant buffers.</summary>
    private sealed record ModelFacts(int Operators, int Kinds, int Dequantize, long ConstantBytes)
    {
        public static ModelFacts Of(string path)
        {
            var model = TfLiteFlatModel.ReadFile(path);
            var sg = model.Subgraphs[0];
            var kinds = sg.Operators.Select(o => o.OpcodeIndex).Distinct().ToList();
            int dequantize = sg.Operators.Count(o => model.OperatorCodes[(int)o.OpcodeIndex].BuiltinCode == (int)TfLiteBuiltinOperator.Dequantize);
            long constants = sg.Tensors.Select(t => t.Buffer).Where(b => b != 0).Distinct().Sum(b => (long)model.Buffers[(int)b].Count);
            return new ModelFacts(sg.Operators.Count, kinds.Count, dequantize, constants);
        }
    }

    private const double KiB = 1024, MiB = 1024 * 1024;

    private static readonly Lazy<EdgeTpuCompiler> StandIn = new(() =>
        new EdgeTpuCompilerLocator { ExplicitPath = EdgeTpuCompilerStandInScript.WriteTo(RepoPaths.NewScratchDirectory("standin-bin")) }.Locate()!);

    private static EdgeTpuCompilerDriver Driver(Dictionary<string, string>? env = null, TimeSpan? timeout = null, int? compilerTimeout = null) =>
        new(StandIn.Value, new EdgeTpuCompileOptions
        {
            EnvironmentVariables = env ?? [],
            ProcessTimeout = timeout ?? TimeSpan.FromMinutes(2),
            CompilerTimeoutSeconds = compilerTimeout,
            MinRuntimeVersion = 13,
        });

    [TestMethod]
    public void StandIn_success_writes_outputs_and_parses_figures_for_every_model()
    {
        var outDir = RepoPaths.NewScratchDirectory("tpu");
        var log = new RecordingBuildLog();
        var models = new[] { RepoPaths.TfLiteModel("13_mnist_int8.tflite"), RepoPaths.TfLiteModel("tf2_mobilenet_v2_1.0_224_ptq.tflite") };

        var results = Driver().Compile(models, outDir, log);
        var facts = ModelFacts.Of(models[0]);
        var mobilenet = ModelFacts.Of(models[1]);

        Assert.AreEqual(2, results.Count);
        var mnist = results[0];
        Assert.AreEqual(EdgeTpuCompileResult.Compiled, mnist.Status, mnist.Message);
        Assert.AreEqual("13_mnist_int8.tflite", mnist.Model);
        Assert.AreEqual("13_mnist_int8_edgetpu.tflite", mnist.CompiledFile);
        Assert.AreEqual("13_mnist_int8_edgetpu.log", mnist.LogFile);
        Assert.AreEqual("16.0.384591198", mnist.CompilerVersion);
        Assert.AreEqual(facts.Operators, mnist.OperationsTotal);
        Assert.AreEqual(facts.Operators, mnist.OperationsMapped);
        Assert.AreEqual(1, mnist.EdgeTpuSubgraphs);
        Assert.AreEqual(facts.ConstantBytes / MiB, mnist.OnChipMemoryUsedMiB!.Value, 1e-4, "every constant of a fully mapped model is cached on-chip (MiB with 4 decimals)");
        Assert.AreEqual(0.0, mnist.OffChipMemoryUsedMiB);
        Assert.AreEqual(facts.Kinds, mnist.Operators.Count, "one table row per operator kind, all mapped");
        Assert.AreEqual((mobilenet.Operators, mobilenet.Operators), (results[1].OperationsMapped, results[1].OperationsTotal));
        foreach (var f in new[] { "13_mnist_int8_edgetpu.tflite", "13_mnist_int8_edgetpu.log", "tf2_mobilenet_v2_1.0_224_ptq_edgetpu.tflite" })
            Assert.IsTrue(File.Exists(Path.Combine(outDir, f)), f);
        Assert.AreEqual(0, Directory.GetDirectories(outDir).Length, "staging folders are removed");
        Assert.AreEqual(0, log.Warnings.Count, string.Join("\n", log.Warnings));
        Assert.AreEqual(2, log.ProgressMessages.Count(m => m.Contains("operations on the Edge TPU")));
        var meta = mnist.ToModelResult();
        Assert.AreEqual(("compiled", "13_mnist_int8_edgetpu.tflite", facts.Operators, facts.Operators), (meta.Status, meta.CompiledFile, meta.OperationsMapped!.Value, meta.OperationsTotal!.Value));
        Assert.AreEqual((StandInCompiler.DefaultOnChipBytes - facts.ConstantBytes) / MiB, meta.OnChipMemoryRemainingMiB!.Value, 0.005, "on-chip memory remaining, as printed (MiB with 2 decimals)");
        CollectionAssert.AreEqual(mnist.Operators.Select(o => (o.Operator, o.Count, o.Status)).ToList(), meta.Operators!.Select(o => (o.Operator, o.Count, o.Status)).ToList());
        Assert.AreEqual(facts.Operators, meta.Operators!.Sum(o => o.Count), "the operation table covers every operation");
    }

    [TestMethod]
    public void StandIn_passes_the_real_compilers_command_line()
    {
        var outDir = RepoPaths.NewScratchDirectory("tpu");
        var argsFile = Path.Combine(outDir, "args.txt");
        var model = RepoPaths.TfLiteModel("13_mnist_int8.tflite");

        Driver(new() { [StandInEnvironment.ArgsFile] = argsFile }, compilerTimeout: 120).Compile([model], outDir, new RecordingBuildLog());

        var args = File.ReadAllText(argsFile).TrimEnd('\n').Split('\t');
        Assert.AreEqual("-s", args[0]);
        Assert.AreEqual("-o", args[1]);
        CollectionAssert.AreEqual(new[] { "-m", "13", "-t", "120", model }, args[3..]);
    }

    [TestMethod]
    public void StandIn_compiles_into_an_output_folder_given_relative_to_the_current_directory()
    {
        // The CLI passes what the user typed (`modelbuild build m.h5 out`); the compiler runs in another directory.
        var outDir = RepoPaths.NewScratchDirectory("tpu-relative");
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, outDir);
        Assert.IsFalse(Path.IsPathRooted(relative), relative);

        var r = Driver().Compile([RepoPaths.TfLiteModel("13_mnist_int8.tflite")], relative, new RecordingBuildLog()).Single();

        Assert.AreEqual(EdgeTpuCompileResult.Compiled, r.Status, r.Message);
        Assert.IsTrue(File.Exists(Path.Combine(outDir, "13_mnist_int8_edgetpu.tflite")));
        Assert.AreEqual(0, Directory.GetDirectories(outDir).Length, "no staging folder left, nested or not");
    }

    [TestMethod]
    public void StandIn_partial_mapping_warns_with_the_model_and_the_numbers()
    {
        var log = new RecordingBuildLog();
        var model = RepoPaths.TfLiteModel("01_mobilenet_v2_0.35_224_food101_int8.tflite");
        var facts = ModelFacts.Of(model);

        var r = Driver().Compile([model], RepoPaths.NewScratchDirectory("tpu"), log).Single();

        // Its one DEQUANTIZE (to the float output) is the only operation Coral's rules leave on the CPU.
        Assert.AreEqual(1, facts.Dequantize);
        Assert.AreEqual(EdgeTpuCompileResult.Compiled, r.Status);
        Assert.AreEqual((facts.Operators - 1, facts.Operators, 1), (r.OperationsMapped!.Value, r.OperationsTotal!.Value, r.OperationsOnCpu!.Value));
        var w = log.Warnings.Single();
        Assert.AreEqual("MB4010", w.Code);
        StringAssert.Contains(w.Message, $"1 of {facts.Operators} operations of 01_mobilenet_v2_0.35_224_food101_int8.tflite will run on the CPU");
        StringAssert.Contains(w.Message, "DEQUANTIZE x1: " + EdgeTpuOperatorRules.UnsupportedDataType);
    }

    [TestMethod]
    public void StandIn_off_chip_streaming_warns_with_the_figures()
    {
        var log = new RecordingBuildLog();

        var model = RepoPaths.TfLiteModel("13_mnist_int8.tflite");
        long constants = ModelFacts.Of(model).ConstantBytes;
        Assert.IsGreaterThan(65536L, constants);

        var r = Driver(new() { [StandInEnvironment.OnChipBytes] = "65536" }).Compile([model], RepoPaths.NewScratchDirectory("tpu"), log).Single();

        Assert.AreEqual(64.0 / 1024, r.OnChipMemoryUsedMiB!.Value, 1e-4);
        Assert.AreEqual((constants - 65536) / MiB, r.OffChipMemoryUsedMiB!.Value, 1e-4);
        var w = log.Warnings.Single();
        Assert.AreEqual("MB4011", w.Code);
        StringAssert.Contains(w.Message, "13_mnist_int8.tflite streams " + ((constants - 65536) / KiB).ToString("0.00", CultureInfo.InvariantCulture) + "KiB");
        StringAssert.Contains(w.Message, "lower BudgetMiB", "a segment that streams: the budget is the fix");
    }

    [TestMethod]
    public void StandIn_off_chip_streaming_of_a_tail_warns_without_blaming_the_budget()
    {
        var log = new RecordingBuildLog();
        var root = RepoPaths.NewScratchDirectory("tpu");
        var tail = Path.Combine(root, "tail_seg2_to_3_int8.tflite");
        File.Copy(RepoPaths.TfLiteModel("13_mnist_int8.tflite"), tail);
        long streamed = ModelFacts.Of(tail).ConstantBytes - 65536;

        Driver(new() { [StandInEnvironment.OnChipBytes] = "65536" }).Compile([tail], Path.Combine(root, "tpu"), log);

        var w = log.Warnings.Single();
        Assert.AreEqual("MB4011", w.Code);
        StringAssert.Contains(w.Message, "tail_seg2_to_3_int8.tflite streams " + (streamed / KiB).ToString("0.00", CultureInfo.InvariantCulture) + "KiB");
        StringAssert.Contains(w.Message, "deploy the full_split chain");
        Assert.DoesNotContain("lower BudgetMiB", w.Message, "a tail holds several segments by design");
    }

    [TestMethod]
    public void StandIn_failures_are_errors_carrying_the_compilers_own_message()
    {
        var root = RepoPaths.NewScratchDirectory("tpu");
        var garbage = Path.Combine(root, "garbage.tflite");
        File.WriteAllBytes(garbage, new byte[100]);
        var outDir = Path.Combine(root, "out");

        var floatModel = Driver().Compile([RepoPaths.TfLiteModel("03_pretrainedResnet_float.tflite")], outDir, new RecordingBuildLog()).Single();
        var unparsable = Driver().Compile([garbage], outDir, new RecordingBuildLog()).Single();
        var internalError = Driver(new() { [StandInEnvironment.Fail] = "1" }).Compile([RepoPaths.TfLiteModel("13_mnist_int8.tflite")], outDir, new RecordingBuildLog()).Single();

        Assert.AreEqual(("failed", "MB4002"), (floatModel.Status, floatModel.ErrorCode));
        StringAssert.Contains(floatModel.Message, "Model not quantized");
        StringAssert.Contains(floatModel.Message, "03_pretrainedResnet_float.tflite");
        StringAssert.Contains(unparsable.Message, "Model could not be parsed");
        StringAssert.Contains(internalError.Message, "Internal compiler error. Aborting!");
        Assert.AreEqual(0, Directory.GetFileSystemEntries(outDir).Length, "a failed compilation leaves nothing behind");
        var e = Assert.ThrowsExactly<ModelBuildException>(() => EdgeTpuCompilerDriver.ThrowIfAnyFailed([floatModel, unparsable]));
        Assert.AreEqual("MB4002", e.Code);
        StringAssert.Contains(e.Message, "1 more model(s) failed: garbage.tflite");
    }

    [TestMethod]
    public void StandIn_exit_0_without_output_is_an_error()
    {
        var r = Driver(new() { [StandInEnvironment.NoOutput] = "1" })
            .Compile([RepoPaths.TfLiteModel("13_mnist_int8.tflite")], RepoPaths.NewScratchDirectory("tpu"), new RecordingBuildLog()).Single();

        Assert.AreEqual(("failed", "MB4004"), (r.Status, r.ErrorCode));
        StringAssert.Contains(r.Message, "exited 0 for 13_mnist_int8.tflite but wrote no 13_mnist_int8_edgetpu.tflite");
    }

    [TestMethod]
    public void StandIn_own_timeout_flag_ending_the_compilation_is_a_timeout_error_with_the_compilers_words()
    {
        var watch = Stopwatch.StartNew();

        var r = Driver(new() { [StandInEnvironment.SleepSeconds] = "30" }, compilerTimeout: 1)
            .Compile([RepoPaths.TfLiteModel("13_mnist_int8.tflite")], RepoPaths.NewScratchDirectory("tpu"), new RecordingBuildLog()).Single();

        Assert.AreEqual(("failed", "MB4003"), (r.Status, r.ErrorCode), r.Message);
        StringAssert.Contains(r.Message, "stopped compiling 13_mnist_int8.tflite at its own timeout of 1 s (-t)");
        StringAssert.Contains(r.Message, "Compilation timeout. This is usually caused by large activations.");
        Assert.IsTrue(watch.Elapsed < TimeSpan.FromSeconds(25), $"the compiler's own timer ended it, not the 2-minute kill: {watch.Elapsed}");
    }

    [TestMethod]
    public void StandIn_hung_past_its_own_timer_is_killed_after_the_grace_period_and_warnings_and_errors_name_the_source_file()
    {
        var watch = Stopwatch.StartNew();
        var options = EdgeTpuCompileOptions.ForTimeout(TimeSpan.FromSeconds(1), "/project/net.h5") with
        {
            EnvironmentVariables = new Dictionary<string, string> { [StandInEnvironment.HangSeconds] = "120" },
        };

        var r = new EdgeTpuCompilerDriver(StandIn.Value, options)
            .Compile([RepoPaths.TfLiteModel("13_mnist_int8.tflite")], RepoPaths.NewScratchDirectory("tpu"), new RecordingBuildLog()).Single();

        Assert.AreEqual(("failed", "MB4003"), (r.Status, r.ErrorCode), r.Message);
        StringAssert.Contains(r.Message, "did not finish compiling 13_mnist_int8.tflite within 1 s: its own timer (-t 1) did not stop it, so ModelBuild killed it after 6 s");
        Assert.IsTrue(watch.Elapsed < TimeSpan.FromSeconds(40), $"killed after 1 + 5 s, not waited for: {watch.Elapsed}");
        var e = Assert.ThrowsExactly<ModelBuildException>(() => EdgeTpuCompilerDriver.ThrowIfAnyFailed([r], "/project/net.h5"));
        Assert.AreEqual(("MB4003", "/project/net.h5"), (e.Code, e.File));
        StringAssert.Contains(e.Message, "13_mnist_int8.tflite");

        var log = new RecordingBuildLog();
        new EdgeTpuCompilerDriver(StandIn.Value, new EdgeTpuCompileOptions { SourceFile = "/project/net.h5" })
            .Compile([RepoPaths.TfLiteModel("01_mobilenet_v2_0.35_224_food101_int8.tflite")], RepoPaths.NewScratchDirectory("tpu"), log);
        var w = log.Warnings.Single();
        Assert.AreEqual(("MB4010", "/project/net.h5"), (w.Code, w.File));
        StringAssert.Contains(w.Message, "01_mobilenet_v2_0.35_224_food101_int8.tflite");
    }

    [TestMethod]
    public void StandIn_run_is_cancelled_promptly()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var watch = Stopwatch.StartNew();

        Assert.ThrowsExactly<TaskCanceledException>(() => Driver(new() { [StandInEnvironment.SleepSeconds] = "120" })
            .Compile([RepoPaths.TfLiteModel("13_mnist_int8.tflite")], RepoPaths.NewScratchDirectory("tpu"), new RecordingBuildLog(), cts.Token), "cancellation");
        Assert.IsTrue(watch.Elapsed < TimeSpan.FromSeconds(60), $"took {watch.Elapsed}");
    }
}
