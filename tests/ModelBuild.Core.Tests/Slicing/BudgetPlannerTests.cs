using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Slicing;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Slicing;

[TestClass]
public sealed class BudgetPlannerTests
{
    private static readonly Lazy<ModelGraph> ResNet101 = new(ResNetTestGraphs.ResNet101);

    [TestMethod]
    public void ResNet101_at_7_MiB_gives_the_known_seven_segments()
    {
        var plan = BudgetPlanner.Plan(ResNet101.Value, 7);

        Assert.AreEqual(7, plan.K);
        CollectionAssert.AreEqual(
            new[] { "conv4_block4_out", "conv4_block10_out", "conv4_block16_out", "conv4_block22_out", "conv5_block1_out", "conv5_block2_out" },
            plan.Cuts.Select(c => c.Tensor).ToArray());
        Assert.IsTrue(plan.Segments.All(s => s.ParamBytes <= 7 * 1024 * 1024), string.Join(", ", plan.Segments.Select(s => $"{s.ParamMiB:F2}")));
        CollectionAssert.AreEqual(new[] { 1, 14, 14, 1024 }, plan.Cuts[0].Shape);
        CollectionAssert.AreEqual(new[] { 1, 7, 7, 2048 }, plan.Cuts[5].Shape);
        Assert.IsEmpty(plan.Warnings);
    }

    [TestMethod]
    public void ResNet101_per_tensor_sizes_give_the_same_cuts()
    {
        var plan = BudgetPlanner.Plan(ResNet101.Value, 7, new PlannerOptions { PerChannel = false });
        Assert.AreEqual(7, plan.K);
        Assert.AreEqual("conv4_block4_out", plan.Cuts[0].Tensor);
    }

    [TestMethod]
    public void ResNet_candidates_are_the_block_outputs_and_the_stem()
    {
        var candidates = CutCandidates.Find(ResNet101.Value);
        var blockOutputs = candidates.Where(c => c.IsBlockBoundary).Select(c => c.Name).ToList();

        Assert.HasCount(3 + 4 + 23 + 3, blockOutputs, "every block output");
        Assert.IsTrue(candidates.All(c => c.Tensor.Rank == 4));
        CollectionAssert.Contains(candidates.Select(c => c.Name).ToList(), "pool1_pool");
        CollectionAssert.DoesNotContain(candidates.Select(c => c.Name).ToList(), "conv4_block4_2_relu", "inside a residual block the shortcut crosses");
    }

    [TestMethod]
    public void Greedy_K_is_minimal_over_a_budget_sweep_on_ResNet101()
    {
        var g = ResNet101.Value;
        var sizes = SizeModel.NodeBytes(g);
        var candidates = CutCandidates.Find(g);
        foreach (var mib in new[] { 1.0, 2, 3, 4, 5, 6, 7, 8, 10, 12, 16, 24, 48 })
        {
            var plan = BudgetPlanner.Plan(g, mib);
            var minimal = MinimalSegmentCount.Compute(candidates, sizes, (long)(mib * 1024 * 1024));
            Assert.AreEqual(minimal, plan.K, $"budget {mib} MiB");
        }
    }

    public static IEnumerable<object[]> SharedModels => SharedKerasModels.All;

    [TestMethod]
    [DynamicData(nameof(SharedModels))]
    public void Greedy_K_is_minimal_over_a_budget_sweep_on_a_real_model(string file)
    {
        var g = KerasModelReader.Read(RepoPaths.KerasModel(file));
        var sizes = SizeModel.NodeBytes(g);
        var total = sizes.Sum();
        var candidates = CutCandidates.Find(g);
        foreach (var fraction in new[] { 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5 })
        {
            var budget = Math.Max(1, (long)(total * fraction));
            var plan = BudgetPlanner.Plan(g, budget / (1024.0 * 1024.0));
            var minimal = MinimalSegmentCount.Compute(candidates, sizes, plan.BudgetBytes);
            Assert.AreEqual(minimal, plan.K, $"{file}: budget {fraction:P0} of {total} bytes");
            Assert.IsTrue(plan.Segments.Sum(s => s.ParamBytes) == total, "segments cover every parameter once");
        }
    }

    [TestMethod]
    public void An_indivisible_piece_over_budget_becomes_its_own_segment_with_MB2002()
    {
        var g = ResNet101.Value;
        var log = new RecordingBuildLog();
        var plan = BudgetPlanner.Plan(g, 2, log: log);

        var over = plan.Segments.Where(s => s.ParamBytes > 2 * 1024 * 1024).ToList();
        Assert.IsNotEmpty(over, "conv5 blocks hold more than 2 MiB each");
        Assert.HasCount(over.Count, log.Warnings);
        Assert.IsTrue(log.Warnings.All(w => w.Code == "MB2002" && w.Message.Contains("MiB")));
        Assert.IsTrue(log.Warnings.Any(w => w.Message.Contains("conv5_block")), log.Warnings[0].Message);
    }

    [TestMethod]
    public void Explicit_cuts_override_the_planner()
    {
        var plan = BudgetPlanner.Plan(ResNet101.Value, 7, new PlannerOptions { Cuts = ["conv3_block4_out", "conv5_block1_out"] });

        Assert.AreEqual(3, plan.K);
        Assert.AreEqual("explicit", plan.Method);
    }

    [TestMethod]
    [DataRow("conv4_block4_2_relu", DisplayName = "inside a residual block")]
    [DataRow("no_such_layer", DisplayName = "unknown")]
    public void An_explicit_cut_that_is_not_a_candidate_is_MB2003(string cut)
    {
        var e = Assert.ThrowsExactly<ModelBuildException>(() => BudgetPlanner.Plan(ResNet101.Value, 7, new PlannerOptions { Cuts = [cut] }));

        Assert.AreEqual("MB2003", e.Code);
    }

    [TestMethod]
    public void Explicit_cuts_out_of_graph_order_are_MB2004()
    {
        var e = Assert.ThrowsExactly<ModelBuildException>(() => BudgetPlanner.Plan(ResNet101.Value, 7, new PlannerOptions { Cuts = ["conv5_block1_out", "conv3_block4_out"] }));

        Assert.AreEqual("MB2004", e.Code);
    }

    [TestMethod]
    [DataRow(0.0)]
    [DataRow(-3.0)]
    [DataRow(double.NaN)]
    public void A_budget_that_is_not_positive_is_MB2001(double budget)
    {
        var e = Assert.ThrowsExactly<ModelBuildException>(() => BudgetPlanner.Plan(ResNet101.Value, budget));
        Assert.AreEqual("MB2001", e.Code);
    }

    [TestMethod]
    public void Plans_of_the_same_graph_are_identical()
    {
        var a = BudgetPlanner.Plan(ResNet101.Value, 7).ToJson();
        var b = BudgetPlanner.Plan(ResNetTestGraphs.ResNet101(), 7).ToJson();

        Assert.AreEqual(a, b);
    }

    [TestMethod]
    public void Combos_for_K_7_are_prefixes_plus_one_tail()
    {
        var combos = ComboPlan.Build(BudgetPlanner.Plan(ResNet101.Value, 7));

        CollectionAssert.AreEqual(new[] { "full_split", "pairs_k2", "pairs_k3", "pairs_k4", "pairs_k5", "pairs_k6", "pairs_k7" }, combos.Select(c => c.Folder).ToArray());
        var k2 = combos.Single(c => c.Folder == "pairs_k2");
        CollectionAssert.AreEqual(new[] { "seg1_int8.tflite", "tail_seg2_to_7_int8.tflite" }, k2.Models.Select(m => m.FileName).ToArray());
        Assert.AreEqual("conv4_block4_out", k2.Models[1].FromTensor);
        Assert.IsNull(k2.Models[1].ToTensor);
        var k6 = combos.Single(c => c.Folder == "pairs_k6");
        Assert.AreEqual("conv5_block1_out", k6.Models[^1].FromTensor);
        Assert.HasCount(7 + 6, ComboPlan.DistinctModels(combos), "7 segments + tails k=2..7");
    }
}
