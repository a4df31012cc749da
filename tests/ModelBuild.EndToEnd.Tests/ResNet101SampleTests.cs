using System.Diagnostics;
using System.Text.Json.Nodes;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.EdgeTpu;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.Quantization.Calibration;
using ModelBuild.Core.Slicing;
using ModelBuild.Core.Synthesis;
using ModelBuild.EdgeTpuCompilerStandIn;
using ModelBuild.TestSupport;

namespace ModelBuild.EndToEnd.Tests;

/// <summary>
/// The sample's case end to end: a generated project with exactly <c>&lt;KerasModel Include="resnet101.h5"
/// BudgetMiB="7" /&gt;</c> against the packed SDK, the ResNet101 the sample synthesizes (KerasModelSynthesizer, seed 1),
/// and the stand-in Edge TPU compiler on PATH. One `dotnet build` (then a second one) in the class setup; each test
/// checks one part of the acceptance of the cut and Edge TPU issues on what that build put in bin.
/// </summary>
[TestClass]
public sealed class ResNet101SampleTests
{
    private const string Model = "resnet101";
    private const long BudgetBytes = 7L * 1024 * 1024;
    private const double MiB = 1024.0 * 1024.0;

    private static readonly string[] KnownCuts =
        ["conv4_block4_out", "conv4_block10_out", "conv4_block16_out", "conv4_block22_out", "conv5_block1_out", "conv5_block2_out"];

    private static TestProject _project = null!;
    private static EdgeTpuStandIn _standIn = null!;
    private static DotNetResult _first = null!;
    private static DotNetResult _second = null!;
    private static Dictionary<string, DateTime> _afterFirst = null!;
    private static Dictionary<string, DateTime> _afterSecond = null!;
    private static int _compilationsAfterFirst;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static void BuildTwice(TestContext context)
    {
        _standIn = EdgeTpuStandIn.Install(PackedSdk.Root);
        _project = TestProject.Create(SdkStyle.ProjectSdk, ("resnet101.h5", "BudgetMiB=\"7\""));
        var clock = Stopwatch.StartNew();
        KerasModelSynthesizer.Write(Path.Combine(_project.Directory_, "resnet101.h5"), SynthArchitecture.ResNet101, seed: 1);
        context.WriteLine($"synthesized resnet101.h5 in {clock.Elapsed.TotalSeconds:F1} s");
        _standIn.Expose(_project.BuildEnvironment, StandInLocation.Path);

        _first = _project.Build();
        TestProject.AssertSucceeded(_first, "first build of the ResNet101 project");
        context.WriteLine($"first build: {_first.Elapsed.TotalSeconds:F1} s");
        _afterFirst = LayoutSnapshot.Of(_project.OutDir, Model);
        _compilationsAfterFirst = _standIn.Compilations().Count;

        _second = _project.Build();
        TestProject.AssertSucceeded(_second, "second build of the ResNet101 project");
        context.WriteLine($"second build: {_second.Elapsed.TotalSeconds:F1} s");
        _afterSecond = LayoutSnapshot.Of(_project.OutDir, Model);
    }

    [TestMethod]
    public void K_is_7_with_the_known_cuts_every_segment_file_within_7_MiB_and_tails_from_the_cut_shapes()
    {
        var full = _project.Meta(Model);
        Assert.AreEqual(7, full.K);
        Assert.AreEqual(7, full.SegmentCount);
        Assert.AreEqual(7.0, full.BudgetMiB);
        CollectionAssert.AreEqual(KnownCuts, full.Cuts.Select(c => c.Tensor).ToArray());
        TestProject.AssertOutputLacks(_first, "warning MB2", "no oversized piece, no segment over budget");

        var segments = full.Models.OrderBy(m => m.Order).ToList();
        CollectionAssert.AreEqual(Enumerable.Range(1, 7).Select(i => $"tflite/seg{i}_int8.tflite").ToArray(), segments.Select(m => m.File).ToArray());
        foreach (var m in segments)
        {
            long size = new FileInfo(Path.Combine(_project.OutDir, Model, "full_split", m.File)).Length;
            TestContext.WriteLine($"{m.File}: {size} bytes = {size / MiB:F3} MiB");
            Assert.AreEqual(m.Bytes, size, $"{m.File}: meta.json's size is the file's");
            Assert.IsLessThanOrEqualTo(BudgetBytes, size, m.File);
        }

        for (int k = 2; k <= 7; k++)
        {
            var meta = _project.Meta(Model, $"pairs_k{k}");
            Assert.HasCount(k, meta.Models, $"pairs_k{k}");
            var tail = meta.Models.OrderBy(m => m.Order).Last();
            Assert.AreEqual($"tflite/tail_seg{k}_to_7_int8.tflite", tail.File);
            Assert.AreEqual(KnownCuts[k - 2], tail.Inputs.Single().Name);
            CollectionAssert.AreEqual(k <= 5 ? new[] { 1, 14, 14, 1024 } : new[] { 1, 7, 7, 2048 }, tail.Inputs.Single().Shape, $"pairs_k{k} tail input");
            Assert.AreEqual("int8", tail.Inputs.Single().Dtype);
            CollectionAssert.AreEqual(new[] { 1, 1000 }, tail.Outputs.Single().Shape, $"pairs_k{k} tail output");

            using var interpreter = TfLiteRuntime.Load(Path.Combine(_project.OutDir, Model, $"pairs_k{k}", tail.File));
            Assert.AreEqual(TfLiteTensorType.Int8, interpreter.Inputs.Single().Type);
            CollectionAssert.AreEqual(tail.Inputs.Single().Shape, interpreter.Inputs.Single().Shape, $"pairs_k{k}: TFLite sees the tail input meta.json describes");
        }
    }

    [TestMethod]
    public void Every_combo_has_its_models_compiled_by_the_stand_in_whose_figures_in_meta_json_agree_with_our_check()
    {
        var combos = Combos();
        CollectionAssert.AreEquivalent(combos, Directory.GetDirectories(Path.Combine(_project.OutDir, Model)).Select(Path.GetFileName).ToList());
        var distinct = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var combo in combos)
        {
            var folder = Path.Combine(_project.OutDir, Model, combo);
            Assert.IsTrue(File.Exists(Path.Combine(folder, "note.txt")), $"{combo}/note.txt");
            var expectedTpuFiles = new List<string>();
            foreach (var m in _project.Meta(Model, combo).Models)
            {
                var where = $"{combo}/{m.File}";
                var stem = Path.GetFileNameWithoutExtension(m.File);
                var tpu = m.EdgeTpu;
                Assert.AreEqual("compiled", tpu.Status, $"{where}: {tpu.Message}");
                Assert.AreEqual($"tpu/{stem}_edgetpu.tflite", tpu.CompiledFile, where);
                Assert.AreEqual($"tpu/{stem}_edgetpu.log", tpu.LogFile, where);
                Assert.IsTrue(EdgeTpuStandIn.ExpectedOutput(Path.Combine(folder, m.File)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(folder, tpu.CompiledFile!))),
                    $"{where}: tpu/ holds the compiler's output for this very model");
                StringAssert.StartsWith(File.ReadAllText(Path.Combine(folder, tpu.LogFile!)), $"Edge TPU Compiler version {StandInCompiler.DefaultVersion}\n");

                // Stand-in agrees with our check: the stand-in (its own reading of Coral's rules, no ModelBuild code) maps every
                // operation in one subgraph and places the parameters our check estimates, on-chip up to its cache and streamed beyond.
                var check = EdgeTpuStaticCheck.CheckFile(Path.Combine(folder, m.File));
                Assert.AreEqual(StandInCompiler.DefaultVersion, tpu.CompilerVersion, where);
                Assert.AreEqual(check.Operations, tpu.OperationsTotal, where);
                Assert.AreEqual(check.Operations, tpu.OperationsMapped, where);
                Assert.AreEqual(1, tpu.Subgraphs, where);
                Assert.AreEqual(check.ParameterBytes / MiB, tpu.OnChipMemoryMiB!.Value + tpu.OffChipMemoryMiB!.Value, 0.01, $"{where}: stand-in's on-chip + off-chip = our check's parameter bytes");
                if (m.Role == "segment")
                    Assert.AreEqual(0.0, tpu.OffChipMemoryMiB.Value, $"{where}: a segment within 7 MiB is cached on-chip whole");
                if (tpu.OffChipMemoryMiB.Value > 0)
                    TestProject.AssertOutputMatches(_first, $@"warning MB4011: {stem}\.tflite ", $"{where} streams parameters: warned");
                else
                    TestProject.AssertOutputLacks(_first, $@"warning MB4011: {stem}\.tflite ", $"{where} is cached whole: no warning");

                expectedTpuFiles.AddRange([$"{stem}_edgetpu.tflite", $"{stem}_edgetpu.log"]);
                distinct.Add(Path.GetFileName(m.File));
            }

            CollectionAssert.AreEquivalent(expectedTpuFiles, Directory.GetFiles(Path.Combine(folder, "tpu")).Select(Path.GetFileName).ToList(), $"{combo}/tpu");
        }

        Assert.HasCount(7 + 6, distinct, "seven segments and six tails");
        CollectionAssert.AreEquivalent(distinct.ToList(), _standIn.Compilations().Take(_compilationsAfterFirst).Select(r => Path.GetFileName(r[^1])).ToList(),
            "the compiler ran once per distinct model");
        TestProject.AssertOutputLacks(_first, "warning MB4010", "the stand-in maps every operation");
    }

    [TestMethod]
    public void Our_static_Edge_TPU_check_in_meta_json_passes_every_segment_with_no_fallback_warning()
    {
        TestProject.AssertOutputLacks(_first, "MB4020", "no operation falls back to the CPU");
        foreach (var combo in Combos())
        {
            var folder = Path.Combine(_project.OutDir, Model, combo);
            var models = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "meta.json")))!["models"]!.AsArray();
            foreach (var m in models)
            {
                var file = (string)m!["file"]!;
                var where = $"{combo}/{file}";
                var entry = m["edgeTpuCheck"];
                Assert.IsNotNull(entry, $"{where}: meta.json has no edgeTpuCheck (issue 5: ModelBuild's own check, written for every model)");
                var check = EdgeTpuStaticCheck.CheckFile(Path.Combine(folder, file));
                Assert.AreEqual(check.Operations, (int)entry["operations"]!, where);
                Assert.AreEqual(0, (int)entry["operationsOnCpu"]!, $"{where}: every operation maps to the Edge TPU");
                Assert.AreEqual(check.ParameterBytes, (long)entry["parameterBytes"]!, where);
                var fit = (string)entry["onChipFit"]!;
                var stem = Path.GetFileNameWithoutExtension(file);
                if ((string)m["role"]! == "segment")
                    Assert.AreNotEqual("exceeds", fit, $"{where}: a segment fits the on-chip cache");
                if (fit == "exceeds") // warned once: by the compiler's figures (MB4011) where it ran, else by the estimate (MB4021)
                    TestProject.AssertOutputMatches(_first, $@"warning MB40(11|21): {stem}\.tflite\b", $"{where}: parameters over the on-chip cache are warned");
                else
                    TestProject.AssertOutputLacks(_first, $@"warning MB4021: {stem}\.tflite\b", $"{where}: no on-chip warning");
            }
        }
    }

    [TestMethod]
    public void Every_pairs_k_chain_run_in_TFLite_gives_exactly_the_full_split_chains_output()
    {
        var first = _project.Meta(Model).Models.OrderBy(m => m.Order).First().Inputs.Single();
        var input = QuantizedPhoto(first);
        var clock = Stopwatch.StartNew();
        var steps = TfLiteChain.RunComboSteps(Path.Combine(_project.OutDir, Model, "full_split"), input);
        var fullSplit = steps[^1];
        Assert.HasCount(1000, fullSplit);
        foreach (var (step, i) in steps.SkipLast(1).Select((s, i) => (s, i)))
            Assert.IsGreaterThan(50, step.Distinct().Count(), $"seg{i + 1}'s output ({KnownCuts[i]}) is not degenerate");
        // A softmax over 1000 classes of random weights is flat: most int8 probabilities sit at the minimum, -128.
        // Enough classes above it make the comparison below one that a wrong tail would fail.
        int aboveMinimum = fullSplit.Count(v => v > -128);
        Assert.IsGreaterThan(10, aboveMinimum, "classes above the minimum probability");

        for (int k = 2; k <= 7; k++)
            CollectionAssert.AreEqual(fullSplit, TfLiteChain.RunCombo(Path.Combine(_project.OutDir, Model, $"pairs_k{k}"), input), $"pairs_k{k} vs full_split");
        TestContext.WriteLine($"seven chains in TFLite: {clock.Elapsed.TotalSeconds:F1} s; output: {aboveMinimum} classes above -128, {fullSplit.Distinct().Count()} distinct int8 values");
    }

    [TestMethod]
    public void A_second_build_runs_no_ModelBuild_step_compiles_nothing_and_leaves_the_outputs_untouched()
    {
        Assert.IsEmpty(_second.PipelineTasksRun, "nothing changed: ran " + string.Join(", ", _second.PipelineTasksRun));
        Assert.AreEqual(0, _second.LinesContaining("ModelBuild: Edge TPU: "), "no compiler message");
        Assert.HasCount(_compilationsAfterFirst, _standIn.Compilations(), "the compiler did not run again");
        CollectionAssert.AreEquivalent(_afterFirst.ToList(), _afterSecond.ToList(), "same files, same timestamps");
    }

    private static List<string> Combos() => ["full_split", .. Enumerable.Range(2, 6).Select(k => $"pairs_k{k}")];

    /// <summary>A photo from ../shared/images as the chain's int8 input (pixels 0..255, as the build calibrated).</summary>
    private static sbyte[] QuantizedPhoto(TensorInfo input)
    {
        var photo = CalibrationDataLoader.Load(RepoPaths.Image("hot_dog.jpg"), input.Shape, new CalibrationOptions { MaxSamples = 1 }, new RecordingBuildLog()).Single();
        return photo.Select(v => QuantParamMath.QuantizeAffine(v, input.Scale[0], input.ZeroPoint[0])).ToArray();
    }
}
