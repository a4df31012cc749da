using System.Text.Json;
using System.Text.Json.Nodes;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.EdgeTpu;
using ModelBuild.Core.Layout;
using ModelBuild.Core.Pipeline;
using ModelBuild.Core.Slicing;
using ModelBuild.Core.Tests.Keras;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.Keras.KerasTestModel;

namespace ModelBuild.Core.Tests.EdgeTpu;

/// <summary>
/// ModelBuild's own Edge TPU check as the build runs it: in the CompileEdgeTpu step, on every distinct model of the
/// store, before and without the compiler and whatever the EdgeTpu mode, into meta.json's edgeTpuCheck and note.txt.
/// The pipeline steps run here as the MSBuild tasks call them.
/// </summary>
[TestClass]
public sealed class EdgeTpuStoreCheckTests
{
    private static JsonArray Pair(int a, int b) => new(a, b);

    /// <summary>16×16×3 → Conv2D(8, relu) → LeakyReLU "leaky" → Conv2D(8, relu) → GlobalAveragePooling2D → Dense(4, softmax).</summary>
    private static string LeakyReluModel(string folder) => new KerasTestModel()
        .Input("input", 16, 16, 3)
        .Layer("Conv2D", "conv1", Cfg(("filters", 8), ("kernel_size", Pair(3, 3)), ("padding", "same"), ("activation", "relu")), "input")
        .Layer("LeakyReLU", "leaky", Cfg(("alpha", 0.2)), "conv1")
        .Layer("Conv2D", "conv2", Cfg(("filters", 8), ("kernel_size", Pair(3, 3)), ("padding", "same"), ("activation", "relu")), "leaky")
        .Layer("GlobalAveragePooling2D", "gap", Cfg(), "conv2")
        .Layer("Dense", "dense", Cfg(("units", 4), ("activation", "softmax")), "gap")
        .Weight("conv1", "kernel", 3, 3, 3, 8).Weight("conv1", "bias", 8)
        .Weight("conv2", "kernel", 3, 3, 8, 8).Weight("conv2", "bias", 8)
        .Weight("dense", "kernel", 8, 4).Weight("dense", "bias", 4)
        .Write(Path.Combine(folder, "leaky.h5"), "dense");

    private sealed record Work(string H5, ModelBuildSettings Settings, WorkFolder Folder, string Output);

    private static Work Convert(string folder, string h5, ModelBuildSettings settings, IBuildLog log)
    {
        var work = new Work(h5, settings, new WorkFolder(folder), Path.Combine(folder, "out"));
        CutStep.Run(settings, work.Folder, log);
        ConvertStep.Run(settings, work.Folder, log);
        return work;
    }

    private static string Json(EdgeTpuCheckEntry? entry) => JsonSerializer.Serialize(entry);

    private static ComboMeta Meta(Work work, string combo) => ComboMeta.FromJson(File.ReadAllText(Path.Combine(work.Output, combo, "meta.json")));

    [TestMethod]
    public void LeakyReLU_model_warns_MB4020_before_and_without_the_compiler_and_meta_json_shows_the_operation_on_the_CPU()
    {
        var folder = RepoPaths.NewScratchDirectory("tpu-check-leaky");
        var h5 = LeakyReluModel(folder);
        var work = Convert(folder, h5, new ModelBuildSettings { ModelFile = h5, Cuts = ["leaky"], CalibrationSamples = 4 }, new RecordingBuildLog());

        // The check runs first: a compiler path that does not exist fails the step (MB4007), after the check's warning.
        var before = new RecordingBuildLog();
        var missing = Assert.ThrowsExactly<ModelBuildException>(() =>
            EdgeTpuStep.Run(h5, work.Folder, EdgeTpuMode.Auto, new EdgeTpuCompilerLocator { ExplicitPath = Path.Combine(folder, "no-such", "edgetpu_compiler") }, TimeSpan.FromMinutes(1), before));
        Assert.AreEqual("MB4007", missing.Code);
        var warning = before.Warnings.Single();
        Assert.AreEqual(("MB4020", h5), (warning.Code, warning.File), "the warning names the .h5");
        StringAssert.StartsWith(warning.Message, "seg1_int8.tflite: 1 of 2 operations would run on the CPU instead of the Edge TPU");
        StringAssert.Contains(warning.Message, "LEAKY_RELU 'leaky' (operation 2): LEAKY_RELU is not in the Edge TPU's supported-operations table");

        // EdgeTpu="Off": no compiler, the check still runs ("always on") and warns.
        var log = new RecordingBuildLog();
        var results = EdgeTpuStep.Run(h5, work.Folder, EdgeTpuMode.Off, new EdgeTpuCompilerLocator(), TimeSpan.FromMinutes(1), log);
        Assert.AreEqual("MB4020", log.Warnings.Single().Code);
        StringAssert.Contains(log.ProgressMessages.Single(m => m.Contains("Edge TPU check")), "leaky.h5: Edge TPU check of 3 models in ");
        CollectionAssert.AreEquivalent(new[] { "seg1_int8.tflite", "seg2_int8.tflite", "tail_seg2_to_2_int8.tflite" }, results.Checks!.Keys.ToList());
        LayoutStep.Run(work.Settings, work.Folder, work.Output, new RecordingBuildLog());

        var full = Meta(work, "full_split");
        var seg1 = full.Models[0];
        Assert.AreEqual("off", seg1.EdgeTpu.Status);
        var check = seg1.EdgeTpuCheck!;
        Assert.AreEqual((2, 1, 1), (check.Operations, check.OperationsOnEdgeTpu, check.OperationsOnCpu));
        var cpu = check.CpuOperations.Single();
        Assert.AreEqual((1, "LEAKY_RELU", "leaky", EdgeTpuOperatorRules.NotSupported), (cpu.Index, cpu.Operator, cpu.Output, cpu.Status));
        CollectionAssert.AreEqual(
            new[] { ("CONV_2D", 1, EdgeTpuOperatorRow.MappedStatus), ("LEAKY_RELU", 1, EdgeTpuOperatorRules.NotSupported) },
            check.Operators.Select(o => (o.Operator, o.Count, o.Status)).ToArray());
        Assert.AreEqual(3 * 3 * 3 * 8 + 4 * 8, check.ParameterBytes, "conv1's int8 kernel and int32 bias: the part before LEAKY_RELU");
        Assert.AreEqual((EdgeTpuCheckEntry.Fits, 8.0), (check.OnChipFit, check.OnChipCapacityMiB));

        var seg2 = full.Models[1].EdgeTpuCheck!;
        Assert.AreEqual(0, seg2.OperationsOnCpu);
        Assert.AreEqual(seg2.Operations, seg2.OperationsOnEdgeTpu);
        Assert.IsEmpty(seg2.CpuOperations);
        Assert.AreEqual(EdgeTpuStaticCheck.CheckFile(Path.Combine(work.Output, "full_split", "tflite", "seg2_int8.tflite")).ParameterBytes, seg2.ParameterBytes);
        Assert.AreEqual(Json(seg2), Json(Meta(work, "pairs_k2").Models[1].EdgeTpuCheck), "the tail holding segment 2 alone is checked the same");

        var note = File.ReadAllText(Path.Combine(work.Output, "full_split", "note.txt"));
        StringAssert.Contains(note, "Edge TPU check (ModelBuild's own, without the compiler): 1 of 2 models map fully to the Edge TPU and fit its 8 MiB on-chip cache.");
        StringAssert.Contains(note, "  seg1_int8.tflite: 1 of 2 operations would run on the CPU (from LEAKY_RELU 'leaky': LEAKY_RELU is not in the Edge TPU's supported-operations table)");
        Assert.IsFalse(note.Contains("  seg2_int8.tflite:", StringComparison.Ordinal), "a model without findings gets no line of its own");
    }

    [TestMethod]
    public void A_model_the_check_cannot_read_is_warning_MB4022_and_the_others_are_still_checked()
    {
        var store = RepoPaths.NewScratchDirectory("tpu-check-unreadable");
        File.WriteAllBytes(Path.Combine(store, "seg1_int8.tflite"), new byte[64]);
        File.Copy(RepoPaths.TfLiteModel("13_mnist_int8.tflite"), Path.Combine(store, "seg2_int8.tflite"));
        ModelFileInfo Info(string file, int segment, string sha) => new(file, segment, segment, 0, sha, [], []);
        var log = new RecordingBuildLog();

        var checks = EdgeTpuStoreCheck.Run(store, [Info("seg1_int8.tflite", 1, "aa"), Info("seg2_int8.tflite", 2, "bb")], "/p/m.h5", log);

        var w = log.Warnings.Single();
        Assert.AreEqual(("MB4022", "/p/m.h5"), (w.Code, w.File));
        StringAssert.StartsWith(w.Message, "seg1_int8.tflite: ModelBuild's own Edge TPU check could not read this model (");
        CollectionAssert.AreEqual(new[] { "seg2_int8.tflite" }, checks.Keys.ToArray());
        Assert.AreEqual(8, checks["seg2_int8.tflite"].OperationsOnEdgeTpu);
    }

    [TestMethod]
    public void A_segment_over_the_on_chip_cache_warns_MB4021_while_a_tail_over_it_is_only_recorded()
    {
        // 1×1×1024 → 1×1 conv to 512 → 1×1 conv to 1024 → 1×1 conv to 8256 (8.45 MB of int8 weights, more than 8 MiB).
        // A 1 MiB budget cuts after each conv: the last segment cannot be split (MB2002) and exceeds the cache, and so
        // does tail_seg2_to_3 (which holds it), by design.
        var folder = RepoPaths.NewScratchDirectory("tpu-check-big");
        var h5 = new KerasTestModel()
            .Input("input", 1, 1, 1024)
            .Layer("Conv2D", "a", Cfg(("filters", 512), ("kernel_size", Pair(1, 1)), ("activation", "relu")), "input")
            .Layer("Conv2D", "b", Cfg(("filters", 1024), ("kernel_size", Pair(1, 1)), ("activation", "relu")), "a")
            .Layer("Conv2D", "c", Cfg(("filters", 8256), ("kernel_size", Pair(1, 1))), "b")
            .Weight("a", "kernel", 1, 1, 1024, 512).Weight("a", "bias", 512)
            .Weight("b", "kernel", 1, 1, 512, 1024).Weight("b", "bias", 1024)
            .Weight("c", "kernel", 1, 1, 1024, 8256).Weight("c", "bias", 8256)
            .Write(Path.Combine(folder, "big.h5"), "c");
        var work = Convert(folder, h5, new ModelBuildSettings { ModelFile = h5, BudgetMiB = 1, CalibrationSamples = 2 }, new RecordingBuildLog());

        var log = new RecordingBuildLog();
        var results = EdgeTpuStep.Run(h5, work.Folder, EdgeTpuMode.Off, new EdgeTpuCompilerLocator(), TimeSpan.FromMinutes(1), log);

        var w = log.Warnings.Single();
        Assert.AreEqual(("MB4021", h5), (w.Code, w.File));
        StringAssert.StartsWith(w.Message, $"seg3_int8.tflite: about 8.09 MiB ({1024 * 8256 + 4 * 8256} bytes) of parameters would run on the Edge TPU, more than its 8 MiB on-chip cache");
        var checks = results.Checks!;
        Assert.AreEqual(EdgeTpuCheckEntry.Exceeds, checks["seg3_int8.tflite"].OnChipFit);
        Assert.AreEqual(EdgeTpuCheckEntry.Exceeds, checks["tail_seg2_to_3_int8.tflite"].OnChipFit, "recorded, not warned about");
        Assert.AreEqual(Json(checks["seg3_int8.tflite"]), Json(checks["tail_seg3_to_3_int8.tflite"]));
        Assert.AreEqual(EdgeTpuCheckEntry.Fits, checks["seg1_int8.tflite"].OnChipFit);
        StringAssert.Contains(log.ProgressMessages.Single(m => m.Contains("Edge TPU check")), "1 of 3 segments exceed its 8 MiB on-chip cache; 2 of 2 tails exceed it");
    }
}
