using ModelBuild.Core.Slicing;

namespace ModelBuild.Core.Tests.Slicing;

[TestClass]
public sealed class ComboPlanTests
{
    private static CutPlan ThreeSegments() => new("m", 7, true, "budget", [new PlannedCut("a", [1, 8, 8, 4]), new PlannedCut("b", [1, 4, 4, 8])],
    [
        new PlannedSegment(1, null, "a", "n0", "n3", 4, 100),
        new PlannedSegment(2, "a", "b", "n4", "n7", 4, 100),
        new PlannedSegment(3, "b", null, "n8", "n9", 2, 100),
    ], []);

    [TestMethod]
    public void Full_split_runs_every_segment_on_its_own_in_order()
    {
        var full = ComboPlan.Build(ThreeSegments())[0];
        Assert.AreEqual(ComboPlan.FullSplitFolder, full.Folder);
        CollectionAssert.AreEqual(new[] { "seg1_int8.tflite", "seg2_int8.tflite", "seg3_int8.tflite" }, full.Models.Select(m => m.FileName).ToArray());
        CollectionAssert.AreEqual(new[] { "a", "b", null }, full.Models.Select(m => m.ToTensor).ToArray());
    }

    [TestMethod]
    public void Pairs_k_runs_segments_1_to_k_minus_1_then_one_tail_from_segment_k_to_K()
    {
        var combos = ComboPlan.Build(ThreeSegments());
        CollectionAssert.AreEqual(new[] { "full_split", "pairs_k2", "pairs_k3" }, combos.Select(c => c.Folder).ToArray());
        var k2 = combos[1];
        CollectionAssert.AreEqual(new[] { "seg1_int8.tflite", "tail_seg2_to_3_int8.tflite" }, k2.Models.Select(m => m.FileName).ToArray());
        Assert.AreEqual((2, 3, "a"), (k2.Models[1].FirstSegment, k2.Models[1].LastSegment, k2.Models[1].FromTensor));
        var k3 = combos[2];
        CollectionAssert.AreEqual(new[] { "seg1_int8.tflite", "seg2_int8.tflite", "tail_seg3_to_3_int8.tflite" }, k3.Models.Select(m => m.FileName).ToArray());
    }

    [TestMethod]
    public void Distinct_models_name_each_segment_and_tail_once()
    {
        var models = ComboPlan.DistinctModels(ComboPlan.Build(ThreeSegments()));
        CollectionAssert.AreEqual(
            new[] { "seg1_int8.tflite", "seg2_int8.tflite", "seg3_int8.tflite", "tail_seg2_to_3_int8.tflite", "tail_seg3_to_3_int8.tflite" },
            models.Select(m => m.FileName).ToArray());
    }

    [TestMethod]
    public void One_segment_gives_only_full_split()
    {
        var plan = new CutPlan("m", 7, true, "budget", [], [new PlannedSegment(1, null, null, "n0", "n9", 10, 100)], []);
        var combos = ComboPlan.Build(plan);
        Assert.HasCount(1, combos);
        Assert.AreEqual("full_split", combos[0].Folder);
    }
}
