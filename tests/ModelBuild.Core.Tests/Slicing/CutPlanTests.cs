using System.Text.Json;
using ModelBuild.Core.Slicing;

namespace ModelBuild.Core.Tests.Slicing;

/// <summary>plan.json: a plan written and read back, its field names, and what K and the budget in bytes are.</summary>
[TestClass]
public sealed class CutPlanTests
{
    private static CutPlan Plan() => new("net", 7.5, true, "greedy",
        [new PlannedCut("block1_out", [1, 8, 8, 16])],
        [
            new PlannedSegment(1, null, "block1_out", "stem", "block1_add", 5, 1000),
            new PlannedSegment(2, "block1_out", null, "block2_conv", "probs", 7, 3 * 1048576),
        ],
        ["a warning"]);

    [TestMethod]
    public void A_plan_reads_back_as_it_was_written()
    {
        var json = Plan().ToJson();

        var back = CutPlan.FromJson(json);

        Assert.AreEqual(json, back.ToJson());
        Assert.AreEqual("block1_out", back.Segments[1].FromTensor);
        CollectionAssert.AreEqual(new[] { 1, 8, 8, 16 }, back.Cuts[0].Shape);
    }

    [TestMethod]
    public void The_json_names_fields_in_camel_case_with_the_schema_version_and_without_derived_figures()
    {
        using var doc = JsonDocument.Parse(Plan().ToJson());
        var names = doc.RootElement.EnumerateObject().Select(p => p.Name).ToArray();

        CollectionAssert.AreEquivalent(new[] { "model", "budgetMiB", "perChannel", "method", "cuts", "segments", "warnings", "version" }, names);
        Assert.AreEqual(CutPlan.SchemaVersion, doc.RootElement.GetProperty("version").GetInt32());
    }

    [TestMethod]
    public void K_is_the_number_of_segments() => Assert.AreEqual(2, Plan().K);

    [TestMethod]
    public void The_budget_in_bytes_rounds_down_to_a_whole_byte()
    {
        Assert.AreEqual(7L * 1048576 + 524288, Plan().BudgetBytes);
        Assert.AreEqual(1L, (Plan() with { BudgetMiB = 1.9 / 1048576 }).BudgetBytes);
    }

    [TestMethod]
    public void A_segment_gives_its_parameters_in_MiB() => Assert.AreEqual(3.0, Plan().Segments[1].ParamMiB);

    [TestMethod]
    public void An_empty_plan_json_is_refused() => Assert.ThrowsExactly<JsonException>(() => CutPlan.FromJson("null"));
}
