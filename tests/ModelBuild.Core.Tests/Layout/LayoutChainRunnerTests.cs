using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Layout;
using ModelBuild.Core.Slicing;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.Layout.ResidualArtifacts;

namespace ModelBuild.Core.Tests.Layout;

/// <summary>Running layout folders with the Int8Executor, checked against the unsegmented model and the real TFLite runtime.</summary>
[TestClass]
public sealed class LayoutChainRunnerTests
{
    private static readonly Lazy<(Core.Graph.ModelGraph Float, Core.Graph.ModelGraph Int8, CutPlan Plan, string Root, string Layout)> Layout = new(() =>
    {
        var (f, q) = Quantized();
        var plan = BudgetPlanner.Plan(f, TinyBudgetMiB);
        var root = RepoPaths.NewScratchDirectory("chain");
        return (f, q, plan, root, WriteLayout(q, plan, root));
    });

    private static readonly string[] Combos = ["full_split", "pairs_k2", "pairs_k3", "pairs_k4"];

    [TestMethod]
    public void Every_combo_computes_exactly_the_unsegmented_int8_model_in_Int8Executor_and_TFLite()
    {
        var (_, int8, plan, _, layout) = Layout.Value;
        Assert.AreEqual(4, plan.K);
        var whole = new Int8Executor(int8);
        for (int seed = 0; seed < 5; seed++)
        {
            var x = RandomInput(seed, 8 * 8 * 3);
            var expected = whole.Run(x);
            Assert.IsGreaterThan(1, expected.Distinct().Count(), "a non-degenerate output");
            foreach (var combo in Combos)
            {
                var runner = LayoutChainRunner.Open(layout, combo);
                CollectionAssert.AreEqual(expected, runner.RunInt8(x), $"{combo}, input seed {seed}, Int8Executor");
                CollectionAssert.AreEqual(expected, RunInTfLite(Path.Combine(layout, combo), runner.Meta, x), $"{combo}, input seed {seed}, TFLite 2.9");
            }
        }
    }

    [TestMethod]
    public void Float_in_float_out_quantizes_with_the_first_input_and_dequantizes_the_last_output()
    {
        var (floatGraph, int8, _, _, layout) = Layout.Value;
        var runner = LayoutChainRunner.Open(layout, "pairs_k2");
        var random = new Random(3);
        var x = Enumerable.Range(0, 8 * 8 * 3).Select(_ => (float)random.NextDouble()).ToArray();

        var inQ = int8.Inputs[0].Quant!;
        var q = x.Select(v => (sbyte)Math.Clamp(Math.Round(v / inQ.Scale[0], MidpointRounding.AwayFromZero) + inQ.ZeroPoint[0], -128, 127)).ToArray();
        var outQ = int8.Outputs[0].Quant!;
        var expected = new Int8Executor(int8).Run(q).Select(v => (float)((v - outQ.ZeroPoint[0]) * outQ.Scale[0])).ToArray();
        CollectionAssert.AreEqual(expected, runner.RunFloat(x));

        var reference = new FloatExecutor(floatGraph).Run(x);
        var y = runner.RunFloat(x);
        Assert.AreEqual(1f, y.Sum(), 0.05f, "softmax probabilities");
        Assert.AreEqual(Array.IndexOf(reference, reference.Max()), Array.IndexOf(y, y.Max()), "int8 chain picks the float model's class");
        for (int i = 0; i < y.Length; i++) Assert.AreEqual(reference[i], y[i], 0.03f, $"probability {i}");
    }

    [TestMethod]
    public void A_folder_without_meta_json_is_MB5051()
    {
        var e = Assert.ThrowsExactly<ModelBuildException>(() => new LayoutChainRunner(Layout.Value.Root));
        Assert.AreEqual("MB5051", e.Code);
        StringAssert.Contains(e.Message, "full_split or pairs_kN");
    }

    [TestMethod]
    public void A_missing_model_file_is_MB5052_naming_it_and_its_place_in_the_chain()
    {
        var root = RepoPaths.NewScratchDirectory("chain-missing");
        var (_, int8, plan, _, _) = Layout.Value;
        var layout = WriteLayout(int8, plan, root);
        var missing = Path.Combine(layout, "pairs_k3", "tflite", "seg2_int8.tflite");
        File.Delete(missing);

        var e = Assert.ThrowsExactly<ModelBuildException>(() => LayoutChainRunner.Open(layout, "pairs_k3"));

        Assert.AreEqual("MB5052", e.Code);
        Assert.AreEqual(missing, e.File);
        StringAssert.Contains(e.Message, "model 2 of the chain");
        DeleteScratch(root);
    }

    [TestMethod]
    public void A_changed_model_file_is_MB5053_and_leaves_the_other_combos_usable()
    {
        var root = RepoPaths.NewScratchDirectory("chain-changed");
        var (_, int8, plan, _, _) = Layout.Value;
        var layout = WriteLayout(int8, plan, root);
        var changed = Path.Combine(layout, "pairs_k2", "tflite", "tail_seg2_to_4_int8.tflite");
        var bytes = File.ReadAllBytes(changed);
        bytes[^1] ^= 1;
        File.Delete(changed); // a hard link: write a new file rather than alter the store's
        File.WriteAllBytes(changed, bytes);

        var e = Assert.ThrowsExactly<ModelBuildException>(() => LayoutChainRunner.Open(layout, "pairs_k2"));

        Assert.AreEqual("MB5053", e.Code);
        Assert.IsNotNull(LayoutChainRunner.Open(layout, "full_split"), "other combos are intact (the store was not touched)");
        DeleteScratch(root);
    }

    [TestMethod]
    public void An_input_of_the_wrong_length_is_refused_with_the_expected_shape()
    {
        var runner = LayoutChainRunner.Open(Layout.Value.Layout, "full_split");
        var e = Assert.ThrowsExactly<ArgumentException>(() => runner.RunInt8(new sbyte[10]));
        StringAssert.Contains(e.Message, "(1,8,8,3) = 192");
    }

    private static sbyte[] RunInTfLite(string comboFolder, ComboMeta meta, sbyte[] input)
    {
        var x = input;
        foreach (var m in meta.Models.OrderBy(m => m.Order))
        {
            using var interpreter = TfLiteRuntime.Load(Path.Combine(comboFolder, m.File));
            x = interpreter.RunInt8(x);
        }

        return x;
    }
}
