using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Quantization;

namespace ModelBuild.Core.Tests.Quantization;

[TestClass]
public sealed class AccuracyWarningTests
{
    private static readonly LayerAccuracy Worst = new("conv1", "Conv2D", "conv1", 4.04, 1.0);
    private static readonly LayerAccuracy Lossiest = new("dense", "Dense", "dense", 7.0, 3.26);

    private static AccuracyReport Report(double? sqnrDb, double minSqnrDb = 10, LayerAccuracy? mostLoss = null) =>
        new(4, true, new AgreementFigures(sqnrDb, 2, 4), [Worst], mostLoss, minSqnrDb);

    private static List<(string Code, string? File, string Message)> Warnings(AccuracyReport report)
    {
        var log = new RecordingBuildLog();
        AccuracyWarning.Check(report, "model.h5", log);
        return log.Warnings;
    }

    [TestMethod]
    public void An_sqnr_below_the_minimum_is_MB3070_naming_the_model_the_figures_and_the_worst_layer()
    {
        var w = Warnings(Report(6.04)).Single();

        Assert.AreEqual(("MB3070", "model.h5"), (w.Code, w.File));
        StringAssert.Contains(w.Message, "at only 6.0 dB SQNR (MinSqnrDb is 10) on 4 calibration samples held back");
        StringAssert.Contains(w.Message, "The worst layer is 'conv1' (Conv2D) at 4.0 dB.");
    }

    [TestMethod]
    public void The_layer_that_loses_most_is_named_when_it_is_not_the_worst()
    {
        var w = Warnings(Report(6.0, mostLoss: Lossiest)).Single();

        StringAssert.Contains(w.Message, "; the most is lost at 'dense' (Dense), 3.3 dB.");
    }

    [TestMethod]
    public void An_sqnr_at_the_minimum_is_not_a_warning() => Assert.IsEmpty(Warnings(Report(10.0)));

    [TestMethod]
    public void A_minimum_of_zero_turns_the_warning_off() => Assert.IsEmpty(Warnings(Report(0.5, minSqnrDb: 0)));

    [TestMethod]
    public void Identical_outputs_are_not_a_warning() => Assert.IsEmpty(Warnings(Report(null)));

    [TestMethod]
    public void Figures_read_as_SQNR_and_top1_or_identical_outputs()
    {
        Assert.AreEqual("SQNR 23.5 dB, top-1 3/4", AccuracyWarning.Format(new AgreementFigures(23.46, 3, 4)));
        Assert.AreEqual("identical outputs", AccuracyWarning.Format(new AgreementFigures(null, null, 4)));
    }

    [TestMethod]
    public void The_summary_says_whether_the_samples_were_held_out()
    {
        Assert.AreEqual("SQNR 23.5 dB, top-1 3/4 on 4 held-out samples", AccuracyWarning.Summary(new AccuracyReport(4, true, new AgreementFigures(23.46, 3, 4), [], null, 10)));
        Assert.AreEqual("SQNR 23.5 dB, top-1 3/4 on 4 reused calibration samples", AccuracyWarning.Summary(new AccuracyReport(4, false, new AgreementFigures(23.46, 3, 4), [], null, 10)));
    }
}
