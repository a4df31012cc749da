using ModelBuild.Core.EdgeTpu;
using ModelBuild.Core.Layout;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.Slicing;

namespace ModelBuild.Core.Tests.Layout;

/// <summary>note.txt rendered from a meta.json record made in code: each line a person reads.</summary>
[TestClass]
public sealed class NoteTextTests
{
    private static TensorInfo Int8(string name, params int[] shape) => new(name, shape, "int8", [0.1f], [0]);

    private static ComboModelEntry Model(int order, string file, int[] segments, EdgeTpuModelResult? edgeTpu = null, EdgeTpuCheckEntry? check = null) =>
        new(order, file, file.Contains("tail_") ? "tail" : "segment", segments, 1000L * order, 0.001 * order, "00",
            [Int8(order == 1 ? "input" : "cut" + (order - 1), 1, 8, 8, 3)], [Int8("cut" + order, 1, 4, 4, 16)], edgeTpu ?? new EdgeTpuModelResult("off"), check);

    private static ComboMeta Meta(string combo = "pairs_k2", IReadOnlyList<ComboModelEntry>? models = null, CalibrationInfo? calibration = null, AccuracyReport? accuracy = null) =>
        new(1, "ModelBuild", new SourceInfo("net.h5", "abc123"), "net", 7, "PerChannel",
            calibration ?? new CalibrationInfo("images", 32, "tf"), combo, 2, 3,
            [new PlannedCut("cut1", [1, 4, 4, 16]), new PlannedCut("cut2", [1, 2, 2, 32])],
            models ?? [Model(1, "tflite/seg1_int8.tflite", [1]), Model(2, "tflite/tail_seg2_to_3_int8.tflite", [2, 3])], accuracy);

    private static string[] Lines(string text) => text.Split('\n');

    [TestMethod]
    public void The_header_names_the_model_combo_source_budget_and_calibration()
    {
        var lines = Lines(NoteText.Render(Meta()));

        Assert.AreEqual("net — pairs_k2", lines[0]);
        Assert.AreEqual("Source: net.h5 (sha256 abc123)", lines[1]);
        Assert.AreEqual("Budget: 7 MiB per segment; 3 segments in the full split; quantization: int8, PerChannel weights", lines[2]);
        Assert.AreEqual("Calibration: 32 samples from images (preprocessing: tf)", lines[3]);
    }

    [TestMethod]
    public void Derived_calibration_samples_get_a_line_of_their_own()
    {
        var note = NoteText.Render(Meta(calibration: new CalibrationInfo("images", 32, "tf", Original: 4, Derived: 28)));

        StringAssert.Contains(note, "  4 original, 28 derived from them (crops and mirror images; CalibrationAugment=Auto)");
    }

    [TestMethod]
    public void A_pairs_folder_says_to_run_the_segments_then_the_tail() =>
        StringAssert.Contains(NoteText.Render(Meta()), "Run segments 1..1 (e.g. on Edge TPUs), then the tail model for segments 2..3.");

    [TestMethod]
    public void The_full_split_says_to_run_the_segments_one_after_another() =>
        StringAssert.Contains(NoteText.Render(Meta(combo: ComboPlan.FullSplitFolder)), "Run the segments one after another, feeding each output to the next input.");

    [TestMethod]
    public void Each_model_has_a_row_with_its_file_bytes_MiB_shapes_and_Edge_TPU_status()
    {
        var rows = Lines(NoteText.Render(Meta()));

        var seg = rows.Single(l => l.StartsWith("1 ", StringComparison.Ordinal));
        var tail = rows.Single(l => l.StartsWith("2 ", StringComparison.Ordinal));
        CollectionAssert.AreEqual(new[] { "1", "seg1_int8.tflite", "1000", "0.00", "(1,8,8,3)", "int8", "(1,4,4,16)", "off" }, seg.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        CollectionAssert.AreEqual(new[] { "2", "tail_seg2_to_3_int8.tflite", "2000", "0.00", "(1,8,8,3)", "int8", "(1,4,4,16)", "off" }, tail.Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    [TestMethod]
    public void The_cut_tensors_are_listed_with_their_shapes()
    {
        var note = NoteText.Render(Meta());

        StringAssert.Contains(note, "Cut tensors:\n  cut1 (1,4,4,16)\n  cut2 (1,2,2,32)\n");
    }

    [TestMethod]
    public void An_Edge_TPU_message_shared_by_several_models_is_written_once()
    {
        var skipped = new EdgeTpuModelResult("skipped", Message: "edgetpu_compiler was not found");
        var note = NoteText.Render(Meta(models: [Model(1, "tflite/seg1_int8.tflite", [1], skipped), Model(2, "tflite/tail_seg2_to_3_int8.tflite", [2, 3], skipped)]));

        Assert.AreEqual(1, Lines(note).Count(l => l == "Edge TPU: edgetpu_compiler was not found"));
    }

    private static EdgeTpuCheckEntry Check(int onCpu, string fit, double mib = 2.5) =>
        new(10, 10 - onCpu, onCpu, (long)(mib * 1048576), mib, 8, fit, [],
            onCpu == 0 ? [] : [new EdgeTpuCheckOperation(3, "LEAKY_RELU", "leaky", "not supported", EdgeTpuOperatorRules.NotSupported)]);

    [TestMethod]
    public void A_clean_Edge_TPU_check_is_one_line_with_the_largest_model()
    {
        var note = NoteText.Render(Meta(models:
        [
            Model(1, "tflite/seg1_int8.tflite", [1], check: Check(0, EdgeTpuCheckEntry.Fits, 2.5)),
            Model(2, "tflite/tail_seg2_to_3_int8.tflite", [2, 3], check: Check(0, EdgeTpuCheckEntry.Fits, 3.25)),
        ]));

        StringAssert.Contains(note, "all 2 models map fully to the Edge TPU and fit its 8 MiB on-chip cache (largest 3.25 MiB of parameters).");
    }

    [TestMethod]
    public void An_Edge_TPU_check_with_problems_counts_the_good_models_and_names_each_problem()
    {
        var note = NoteText.Render(Meta(models:
        [
            Model(1, "tflite/seg1_int8.tflite", [1], check: Check(2, EdgeTpuCheckEntry.Fits)),
            Model(2, "tflite/tail_seg2_to_3_int8.tflite", [2, 3], check: Check(0, EdgeTpuCheckEntry.Exceeds, 9)),
        ]));

        StringAssert.Contains(note, "0 of 2 models map fully to the Edge TPU and fit its 8 MiB on-chip cache.");
        StringAssert.Contains(note, "  seg1_int8.tflite: 2 of 10 operations would run on the CPU (from LEAKY_RELU 'leaky': not supported)");
        StringAssert.Contains(note, "  tail_seg2_to_3_int8.tflite: about 9.00 MiB of parameters, more than the on-chip cache: the rest streams from host memory");
    }

    [TestMethod]
    public void A_tight_fit_warns_that_the_compiler_may_stream_some()
    {
        var note = NoteText.Render(Meta(models: [Model(1, "tflite/seg1_int8.tflite", [1], check: Check(0, EdgeTpuCheckEntry.Tight, 7.5))]));

        StringAssert.Contains(note, "  seg1_int8.tflite: about 7.50 MiB of parameters, close to the on-chip cache: the compiler may stream some");
    }

    [TestMethod]
    public void The_accuracy_lines_appear_when_there_is_a_report()
    {
        var report = new AccuracyReport(4, true, new AgreementFigures(23.456, 3, 4), [], null, 10);

        var note = NoteText.Render(Meta(accuracy: report));

        StringAssert.Contains(note, "Accuracy, int8 vs float, on 4 calibration samples held back (not calibrated on):\n  whole model: SQNR 23.5 dB, top-1 3/4\n");
        Assert.IsFalse(NoteText.Render(Meta()).Contains("Accuracy, int8 vs float", StringComparison.Ordinal), "no report, no accuracy lines (their wording: AccuracyNoteTests)");
    }
}
