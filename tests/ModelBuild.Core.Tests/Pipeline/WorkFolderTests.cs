using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Pipeline;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Pipeline;

/// <summary>The work folder's names and what a step finds when an earlier step's file is missing.</summary>
[TestClass]
public sealed class WorkFolderTests
{
    [TestMethod]
    public void Files_sit_where_the_targets_and_the_CLI_expect_them()
    {
        var work = new WorkFolder(Path.Combine("obj", "m"));
        Assert.AreEqual(Path.Combine("obj", "m", "plan.json"), work.PlanFile);
        Assert.AreEqual(Path.Combine("obj", "m", "models"), work.StoreDirectory);
        Assert.AreEqual(Path.Combine("obj", "m", "tpu"), work.EdgeTpuDirectory);
        Assert.AreEqual(Path.Combine("obj", "m", "layout", "resnet"), work.LayoutDirectory("resnet"));
        Assert.AreEqual("full_split/meta.json", WorkFolder.LayoutMarkerPath);
        Assert.AreEqual("models.json", WorkFolder.StoreManifestFileName);
    }

    [TestMethod]
    public void A_missing_plan_is_MB5001_naming_the_file()
    {
        var work = new WorkFolder(RepoPaths.NewScratchDirectory("work-empty"));
        var e = Assert.ThrowsExactly<ModelBuildException>(() => work.ReadPlan());
        Assert.AreEqual(("MB5001", work.PlanFile), (e.Code, e.File));
    }

    [TestMethod]
    public void Without_an_Edge_TPU_record_every_model_is_off_and_calibration_unknown()
    {
        var work = new WorkFolder(RepoPaths.NewScratchDirectory("work-empty"));
        Assert.AreEqual("off", work.ReadEdgeTpuResults().Default.Status);
        Assert.AreEqual("unknown", work.ReadCalibration().Source);
    }
}
