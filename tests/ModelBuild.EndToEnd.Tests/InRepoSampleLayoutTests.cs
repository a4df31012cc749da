using System.Diagnostics;
using System.Text.Json.Nodes;
using ModelBuild.Core.EdgeTpu;
using ModelBuild.Core.Layout;
using ModelBuild.Core.Quantization.Calibration;
using ModelBuild.Core.TfLite;
using ModelBuild.EdgeTpuCompilerStandIn;
using ModelBuild.TestSupport;

namespace ModelBuild.EndToEnd.Tests;

/// <summary>
/// The acceptance of the cut and Edge TPU issues on the sample's case, <c>&lt;KerasModel Include="resnet101.h5"
/// BudgetMiB="7" /&gt;</c>, checked on the layout of the in-repo sample build (<see cref="InRepoSample"/>: the README's
/// main job, with the stand-in Edge TPU compiler on PATH) rather than on a build of its own: every segment within
/// 7 MiB, tails fed by the cut tensors, every model compiled and agreeing with our static check, every chain equal.
/// </summary>
[TestClass]
public sealed class InRepoSampleLayoutTests
{
    private const long BudgetBytes = 7L * 1024 * 1024;
    private const double MiB = 1024.0 * 1024.0;

    private static InRepoSample _sample = null!;
    private static ComboMeta _full = null!;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static void Build(TestContext context)
    {
        _sample = InRepoSample.Get();
        _full = Meta("full_split");
    }

    [TestMethod]
    public void Every_segment_file_is_within_7_MiB_and_each_pairs_k_tail_takes_its_cut_tensor_in_the_shape_the_chain_gives_it()
    {
        Assert.AreEqual(7.0, _full.BudgetMiB);
        Assert.AreEqual(_full.K, _full.SegmentCount);
        TestProject.AssertOutputLacks(_sample.First, "warning MB2", "no oversized piece, no segment over budget");

        var segments = _full.Models.OrderBy(m => m.Order).ToList();
        CollectionAssert.AreEqual(Enumerable.Range(1, _full.K).Select(i => $"tflite/seg{i}_int8.tflite").ToArray(), segments.Select(m => m.File).ToArray());
        foreach (var m in segments)
        {
            long size = new FileInfo(Path.Combine(InRepoSample.Layout, "full_split", m.File)).Length;
            TestContext.WriteLine($"{m.File}: {size} bytes = {size / MiB:F3} MiB");
            Assert.AreEqual(m.Bytes, size, $"{m.File}: meta.json's size is the file's");
            Assert.IsLessThanOrEqualTo(BudgetBytes, size, m.File);
        }

        var output = segments[^1].Outputs.Single();
        for (int k = 2; k <= _full.K; k++)
        {
            var meta = Meta($"pairs_k{k}");
            Assert.HasCount(k, meta.Models, $"pairs_k{k}");
            var tail = meta.Models.OrderBy(m => m.Order).Last();
            var cut = segments[k - 2].Outputs.Single();
            Assert.AreEqual($"tflite/tail_seg{k}_to_{_full.K}_int8.tflite", tail.File);
            Assert.AreEqual(_full.Cuts[k - 2].Tensor, tail.Inputs.Single().Name);
            Assert.AreEqual(cut.Name, tail.Inputs.Single().Name, $"pairs_k{k}: the tail starts where seg{k - 1} ends");
            CollectionAssert.AreEqual(cut.Shape, tail.Inputs.Single().Shape, $"pairs_k{k} tail input");
            Assert.AreEqual("int8", tail.Inputs.Single().Dtype);
            CollectionAssert.AreEqual(output.Shape, tail.Outputs.Single().Shape, $"pairs_k{k} tail output");

            using var interpreter = TfLiteRuntime.Load(Path.Combine(InRepoSample.Layout, $"pairs_k{k}", tail.File));
            Assert.AreEqual(TfLiteTensorType.Int8, interpreter.Inputs.Single().Type);
            CollectionAssert.AreEqual(tail.Inputs.Single().Shape, interpreter.Inputs.Single().Shape, $"pairs_k{k}: TFLite sees the tail input meta.json describes");
        }
    }

    [TestMethod]
    public void Every_combo_has_its_models_compiled_by_the_stand_in_whose_figures_in_meta_json_agree_with_our_check()
    {
        var combos = InRepoSample.Combos(_full.K);
        CollectionAssert.AreEquivalent(combos, Directory.GetDirectories(InRepoSample.Layout).Select(Path.GetFileName).ToList());
        var distinct = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var combo in combos)
        {
            var folder = Path.Combine(InRepoSample.Layout, combo);
            var expectedTpuFiles = new List<string>();
            foreach (var m in Meta(combo).Models)
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
                    TestProject.AssertOutputMatches(_sample.First, $@"warning MB4011: {stem}\.tflite ", $"{where} streams parameters: warned");
                else
                    TestProject.AssertOutputLacks(_sample.First, $@"warning MB4011: {stem}\.tflite ", $"{where} is cached whole: no warning");

                expectedTpuFiles.AddRange([$"{stem}_edgetpu.tflite", $"{stem}_edgetpu.log"]);
                distinct.Add(Path.GetFileName(m.File));
            }

            CollectionAssert.AreEquivalent(expectedTpuFiles, Directory.GetFiles(Path.Combine(folder, "tpu")).Select(Path.GetFileName).ToList(), $"{combo}/tpu");
        }

        Assert.HasCount(_full.K + (_full.K - 1), distinct, "K segments and K - 1 tails");
        CollectionAssert.AreEquivalent(distinct.ToList(), _sample.StandIn.Compilations().Take(_sample.CompilationsAfterFirst).Select(r => Path.GetFileName(r[^1])).ToList(),
            "the compiler ran once per distinct model");
        TestProject.AssertOutputLacks(_sample.First, "warning MB4010", "the stand-in maps every operation");
    }

    [TestMethod]
    public void Our_static_Edge_TPU_check_in_meta_json_passes_every_segment_with_no_fallback_warning()
    {
        TestProject.AssertOutputLacks(_sample.First, "MB4020", "no operation falls back to the CPU");
        foreach (var combo in InRepoSample.Combos(_full.K))
        {
            var folder = Path.Combine(InRepoSample.Layout, combo);
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
                    TestProject.AssertOutputMatches(_sample.First, $@"warning MB40(11|21): {stem}\.tflite\b", $"{where}: parameters over the on-chip cache are warned");
                else
                    TestProject.AssertOutputLacks(_sample.First, $@"warning MB4021: {stem}\.tflite\b", $"{where}: no on-chip warning");
            }
        }
    }

    [TestMethod]
    public void Every_pairs_k_chain_run_in_TFLite_gives_exactly_the_full_split_chains_output()
    {
        var first = _full.Models.OrderBy(m => m.Order).First().Inputs.Single();
        // A photo as the build calibrated (the sample's preprocessing), quantized with the first segment's input parameters.
        var input = UnsegmentedInt8.Photo("hot_dog.jpg", first, PreprocessingModes.Parse(_full.Calibration.Preprocessing));
        var clock = Stopwatch.StartNew();
        var steps = TfLiteChain.RunComboSteps(Path.Combine(InRepoSample.Layout, "full_split"), input);
        var fullSplit = steps[^1];
        Assert.HasCount(_full.Models.OrderBy(m => m.Order).Last().Outputs.Single().Shape.Aggregate(1, (a, b) => a * b), fullSplit);
        foreach (var (step, i) in steps.SkipLast(1).Select((s, i) => (s, i)))
            Assert.IsGreaterThan(50, step.Distinct().Count(), $"seg{i + 1}'s output ({_full.Cuts[i].Tensor}) is not degenerate");
        // A softmax over 1000 classes of random weights is flat: most int8 probabilities sit at the minimum, -128.
        // Enough classes above it make the comparison below one that a wrong tail would fail.
        int aboveMinimum = fullSplit.Count(v => v > -128);
        Assert.IsGreaterThan(10, aboveMinimum, "classes above the minimum probability");

        for (int k = 2; k <= _full.K; k++)
            CollectionAssert.AreEqual(fullSplit, TfLiteChain.RunCombo(Path.Combine(InRepoSample.Layout, $"pairs_k{k}"), input), $"pairs_k{k} vs full_split");
        TestContext.WriteLine($"{_full.K} chains in TFLite: {clock.Elapsed.TotalSeconds:F1} s; output: {aboveMinimum} classes above -128, {fullSplit.Distinct().Count()} distinct int8 values");
    }

    private static ComboMeta Meta(string combo) => ComboMeta.FromJson(File.ReadAllText(Path.Combine(InRepoSample.Layout, combo, "meta.json")));
}
