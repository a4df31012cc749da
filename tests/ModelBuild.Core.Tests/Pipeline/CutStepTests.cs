using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Pipeline;
using ModelBuild.Core.Slicing;
using ModelBuild.Core.Tests.Layout;
using ModelBuild.Core.Tests.TestGraphs;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Pipeline;

/// <summary>CutModel as the build runs it on a small classifier: plan.json written whole, the progress line, cancellation.</summary>
[TestClass]
public sealed class CutStepTests
{
    private static string _dir = "";
    private static string _h5 = "";

    [ClassInitialize]
    public static void Init(TestContext _)
    {
        _dir = RepoPaths.NewScratchDirectory("cut-step");
        _h5 = SmallKerasTestGraphs.Classifier(Path.Combine(_dir, "small.h5"));
    }

    [ClassCleanup]
    public static void Cleanup() => ResidualArtifacts.DeleteScratch(_dir);

    private static WorkFolder NewWork(string name) => new(Path.Combine(_dir, name));

    private static ModelBuildSettings Settings(params string[] cuts) => new() { ModelFile = _h5, Cuts = cuts };

    [TestMethod]
    public void Writes_plan_json_with_the_plan_it_returns()
    {
        var work = NewWork("plan");
        var plan = CutStep.Run(Settings([.. SmallKerasTestGraphs.ClassifierCuts]), work, new RecordingBuildLog());

        Assert.AreEqual(3, plan.K);
        CollectionAssert.AreEqual(SmallKerasTestGraphs.ClassifierCuts.ToArray(), plan.Cuts.Select(c => c.Tensor).ToArray());
        Assert.AreEqual(plan.ToJson(), File.ReadAllText(work.PlanFile));
    }

    [TestMethod]
    public void Without_cuts_the_budget_planner_decides()
    {
        var plan = CutStep.Run(Settings(), NewWork("budget"), new RecordingBuildLog());

        Assert.AreEqual(1, plan.K, "a few hundred bytes of weights fit any budget in one segment");
    }

    [TestMethod]
    public void Reports_the_model_the_segment_count_and_the_cuts()
    {
        var log = new RecordingBuildLog();
        CutStep.Run(Settings("conv_2"), NewWork("progress"), log);

        CollectionAssert.Contains(log.ProgressMessages, $"small.h5: 2 segments at {ModelBuildDefaults.BudgetMiB} MiB, cut at conv_2");
    }

    [TestMethod]
    public void Cancelled_before_it_starts_it_writes_no_plan()
    {
        var work = NewWork("cancelled");
        Assert.ThrowsExactly<OperationCanceledException>(() => CutStep.Run(Settings(), work, new RecordingBuildLog(), new CancellationToken(canceled: true)));

        Assert.IsFalse(File.Exists(work.PlanFile));
    }

    [TestMethod]
    public void A_cut_that_is_not_a_candidate_is_refused_with_the_models_file()
    {
        var e = Assert.ThrowsExactly<ModelBuildException>(() => CutStep.Run(Settings("gap"), NewWork("bad_cut"), new RecordingBuildLog()));

        Assert.AreEqual(_h5, e.File);
        Assert.IsFalse(File.Exists(NewWork("bad_cut").PlanFile));
    }
}
