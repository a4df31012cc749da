using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Layout;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.Slicing;
using ModelBuild.Core.Tests.Slicing;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.Layout.ResidualArtifacts;

namespace ModelBuild.Core.Tests.Layout;

/// <summary>
/// The acceptance numbers on a ResNet101 built in code (keras.applications names and shapes, BatchNorm
/// folded, random weights): the 7 MiB layout's real file sizes and tail shapes, and — on the same network at 32×32,
/// whose parameters and therefore cuts are identical — every pairs_k combo against the full split in TFLite.
/// </summary>
[TestClass]
public sealed class ResNet101LayoutTests
{
    private static readonly string[] KnownCuts =
        ["conv4_block4_out", "conv4_block10_out", "conv4_block16_out", "conv4_block22_out", "conv5_block1_out", "conv5_block2_out"];

    [TestMethod]
    public void ResNet101_at_7_MiB_lays_out_seven_segment_files_within_budget_and_tails_from_the_cut_shapes()
    {
        var graph = WithRandomWeights(ResNetTestGraphs.ResNet101(), seed: 1);
        var plan = BudgetPlanner.Plan(graph, 7);
        CollectionAssert.AreEqual(KnownCuts, plan.Cuts.Select(c => c.Tensor).ToArray());

        // File sizes and shapes do not depend on the activation ranges: skip the float run, give every tensor one.
        var ranges = new CalibrationResult { SampleCount = 1 };
        foreach (var t in graph.Tensors.Where(t => !t.IsConstant)) ranges.Set(t.Name, -6f, 6f);
        var int8 = Quantizer.Quantize(graph, ranges);

        var root = RepoPaths.NewScratchDirectory("resnet101-layout");
        try
        {
            var log = new RecordingBuildLog();
            var store = Path.Combine(root, "models");
            var models = ModelStore.Write(int8, plan, store, log, "resnet101.h5");
            var output = Path.Combine(root, "resnet101");
            LayoutWriter.Write(ResidualArtifacts.Request(plan, store, output));

            Assert.IsEmpty(log.Warnings, "no segment file over 7 MiB: " + string.Join("; ", log.Warnings.Select(w => w.Message)));
            var segments = models.Where(m => m.Role == "segment").OrderBy(m => m.FirstSegment).ToList();
            Assert.HasCount(7, segments);
            foreach (var s in segments)
            {
                long size = new FileInfo(Path.Combine(output, "full_split", "tflite", s.File)).Length;
                Console.WriteLine($"{s.File}: {size} bytes = {size / 1048576.0:F3} MiB (plan: {plan.Segments[s.FirstSegment - 1].ParamMiB:F3} MiB of parameters)");
                Assert.IsLessThanOrEqualTo(7L * 1024 * 1024, size, s.File);
                Assert.IsGreaterThan(plan.Segments[s.FirstSegment - 1].ParamBytes, size, "a file holds at least its parameters");
            }

            for (int k = 2; k <= 7; k++)
            {
                var meta = ComboMeta.FromJson(File.ReadAllText(Path.Combine(output, $"pairs_k{k}", "meta.json")));
                Assert.HasCount(k, meta.Models);
                var tail = meta.Models[^1];
                Assert.AreEqual($"tflite/tail_seg{k}_to_7_int8.tflite", tail.File);
                Assert.AreEqual(KnownCuts[k - 2], tail.Inputs[0].Name);
                CollectionAssert.AreEqual(k <= 5 ? new[] { 1, 14, 14, 1024 } : new[] { 1, 7, 7, 2048 }, tail.Inputs[0].Shape, $"pairs_k{k} tail input");
                Assert.AreEqual("int8", tail.Inputs[0].Dtype);
                CollectionAssert.AreEqual(new[] { 1, 1000 }, tail.Outputs[0].Shape, $"pairs_k{k} tail output");
                CollectionAssert.AreEqual(Enumerable.Range(1, k - 1).Select(i => $"tflite/seg{i}_int8.tflite").ToArray(), meta.Models.SkipLast(1).Select(m => m.File).ToArray());
            }
        }
        finally
        {
            DeleteScratch(root);
        }
    }

    [TestMethod]
    public void ResNet101_every_pairs_k_combo_computes_exactly_the_full_split_in_TFLite()
    {
        var graph = WithRandomWeights(ResNetTestGraphs.ResNet("resnet101", [3, 4, 23, 3], size: 32), seed: 3);
        var plan = BudgetPlanner.Plan(graph, 7);
        CollectionAssert.AreEqual(KnownCuts, plan.Cuts.Select(c => c.Tensor).ToArray(), "cuts depend on parameters only, not on the input size");

        var random = new Random(4);
        var samples = Enumerable.Range(0, 2).Select(_ => Enumerable.Range(0, 32 * 32 * 3).Select(_ => (float)random.NextDouble()).ToArray()).ToList();
        var int8 = Quantizer.Quantize(graph, Calibrator.Calibrate(graph, samples, new RecordingBuildLog()));

        var root = RepoPaths.NewScratchDirectory("resnet101-chain");
        try
        {
            var store = Path.Combine(root, "models");
            ModelStore.Write(int8, plan, store);
            var output = Path.Combine(root, "resnet101");
            LayoutWriter.Write(ResidualArtifacts.Request(plan, store, output));

            for (int seed = 0; seed < 1; seed++)
            {
                var x = RandomInput(seed, 32 * 32 * 3);
                var steps = TfLiteChain.RunComboSteps(Path.Combine(output, "full_split"), x);
                var fullSplit = steps[^1];
                foreach (var (step, i) in steps.SkipLast(1).Select((s, i) => (s, i)))
                    Assert.IsGreaterThan(50, step.Distinct().Count(), $"seg{i + 1}'s output (a cut tensor) is not degenerate");
                Assert.IsGreaterThan(1, fullSplit.Distinct().Count(), "the softmax output is not constant");
                CollectionAssert.AreEqual(fullSplit, LayoutChainRunner.Open(output, "full_split").RunInt8(x), "Int8Executor agrees with TFLite");
                for (int k = 2; k <= plan.K; k++)
                    CollectionAssert.AreEqual(fullSplit, TfLiteChain.RunCombo(Path.Combine(output, $"pairs_k{k}"), x), $"pairs_k{k}, input seed {seed}");
            }
        }
        finally
        {
            DeleteScratch(root);
        }
    }

    /// <summary>He-uniform kernels (each residual branch's last conv scaled down, as BatchNorm would keep it), small biases.</summary>
    private static ModelGraph WithRandomWeights(ModelGraph g, int seed)
    {
        var r = new Random(seed);
        foreach (var n in g.Nodes.Where(n => n.Op is OpType.Conv2D or OpType.FullyConnected))
        {
            var w = n.Inputs[1]!;
            int fanIn = (int)(w.ElementCount / w.Shape[0]);
            float limit = MathF.Sqrt(6f / fanIn) * (n.Name.EndsWith("_3_bn", StringComparison.Ordinal) ? 0.2f : 1f);
            var data = w.FloatData;
            for (int i = 0; i < data.Length; i++) data[i] = (float)(r.NextDouble() * 2 - 1) * limit;
            if (n.Inputs[2]?.Data is float[] bias)
                for (int i = 0; i < bias.Length; i++) bias[i] = (float)(r.NextDouble() * 2 - 1) * 0.02f;
        }

        return g;
    }
}
