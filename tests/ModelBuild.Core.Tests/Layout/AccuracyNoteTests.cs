using System.Text;
using ModelBuild.Core.Layout;
using ModelBuild.Core.Quantization;

namespace ModelBuild.Core.Tests.Layout;

/// <summary>note.txt's accuracy lines from an accuracy report made in code: each line a person reads.</summary>
[TestClass]
public sealed class AccuracyNoteTests
{
    private static readonly LayerAccuracy Conv = new("conv1", "Conv2D", "conv1", 18.26, 2.0);

    private static AccuracyReport Report(double sqnr = 23.456, bool heldOut = true, AgreementFigures? chain = null, bool? chainMatches = null, LayerAccuracy? mostLoss = null,
        IReadOnlyList<LayerAccuracy>? worst = null, double minSqnrDb = 10) =>
        new(4, heldOut, new AgreementFigures(sqnr, 3, 4), worst ?? [], mostLoss, minSqnrDb, chain, chainMatches);

    private static string Note(AccuracyReport report)
    {
        var sb = new StringBuilder();
        AccuracyNote.Append(sb, report);
        return sb.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    [TestMethod]
    public void Opens_with_what_was_evaluated_and_the_whole_model()
    {
        var note = Note(Report());

        StringAssert.StartsWith(note, "Accuracy, int8 vs float, on 4 calibration samples held back (not calibrated on):\n  whole model: SQNR 23.5 dB, top-1 3/4\n");
    }

    [TestMethod]
    public void Reused_samples_are_called_optimistic()
    {
        StringAssert.Contains(Note(Report(heldOut: false)), "4 calibration samples reused (too few to hold any back, so the figures are optimistic):");
    }

    [TestMethod]
    [DataRow(true, " (bit-identical to the whole int8 model)")]
    [DataRow(false, " (differs from the whole int8 model)")]
    public void The_chain_line_says_whether_it_matches_the_whole_int8_model(bool matches, string says)
    {
        var note = Note(Report(chain: new AgreementFigures(23.456, 3, 1), chainMatches: matches));

        StringAssert.Contains(note, "  this folder's chain, run from its files on the first input: SQNR 23.5 dB, top-1 3/1" + says + "\n");
    }

    [TestMethod]
    public void Without_a_chain_there_is_no_chain_line()
    {
        Assert.IsFalse(Note(Report()).Contains("chain", StringComparison.Ordinal));
    }

    [TestMethod]
    public void Worst_tensors_give_their_sqnr_or_exact()
    {
        var note = Note(Report(worst: [Conv, new LayerAccuracy("add", "Add", "add", null, null)]));

        StringAssert.Contains(note, "  worst tensors: conv1 (Conv2D) 18.3 dB; add (Add) exact\n");
    }

    [TestMethod]
    public void The_layer_that_lost_most_is_named_with_its_loss()
    {
        StringAssert.Contains(Note(Report(mostLoss: Conv with { LossDb = 5.5 })), "  most lost in one layer: conv1 (Conv2D), 5.5 dB\n");
    }

    [TestMethod]
    public void An_accuracy_below_MinSqnrDb_says_how_to_calibrate_better()
    {
        StringAssert.Contains(Note(Report(sqnr: 6.0)), "  below MinSqnrDb (10 dB): calibrate with more, and more representative, inputs (warning MB3070).");
    }

    [TestMethod]
    public void An_accuracy_above_MinSqnrDb_or_without_a_minimum_gives_no_advice()
    {
        Assert.IsFalse(Note(Report(sqnr: 23.5)).Contains("below MinSqnrDb", StringComparison.Ordinal));
        Assert.IsFalse(Note(Report(sqnr: 6.0, minSqnrDb: 0)).Contains("below MinSqnrDb", StringComparison.Ordinal));
    }
}
