using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Layout;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.Slicing;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Layout;

/// <summary>
/// A real Keras model (MLPerf Tiny ResNet-8) through the whole engine: read, calibrate, quantize, plan a small
/// budget, write the model store and the layout; the real TFLite runtime runs every combo.
/// </summary>
[TestClass]
public sealed class LayoutEndToEndTests
{
    private const string ModelFile = "03_mlperf_tiny_resnet8_cifar10_k2.4.h5";
    private const double BudgetMiB = 0.03;

    private static (ModelGraph Int8, CutPlan Plan) Build()
    {
        var path = RepoPaths.KerasModel(ModelFile);
        var graph = KerasModelReader.Read(path);
        var samples = Enumerable.Range(0, 4).Select(s => ReferenceInput.For(graph.Inputs[0].Shape).Select((v, i) => (v + s * 0.13f) % 1f).ToArray());
        var ranges = Calibrator.Calibrate(graph, samples, new RecordingBuildLog());
        var int8 = Quantizer.Quantize(graph, ranges);
        return (int8, BudgetPlanner.Plan(graph, BudgetMiB));
    }

    private static string WriteLayout(ModelGraph int8, CutPlan plan, string root)
    {
        var store = Path.Combine(root, "store");
        ModelStore.Write(int8, plan, store);
        var output = Path.Combine(root, "resnet8");
        LayoutWriter.Write(new LayoutRequest(plan, store, output, new SourceInfo(ModelFile, "0"), "PerChannel", new CalibrationInfo("test", 4, "none")));
        return output;
    }

    [TestMethod]
    public void Layout_has_full_split_and_every_pairs_folder_with_meta_and_note()
    {
        var (int8, plan) = Build();
        var output = WriteLayout(int8, plan, RepoPaths.NewScratchDirectory("layout"));

        Assert.IsGreaterThanOrEqualTo(3, plan.K, "the small budget must cut ResNet-8 several times");
        var folders = Directory.GetDirectories(output).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        var expected = new[] { "full_split" }.Concat(Enumerable.Range(2, plan.K - 1).Select(k => $"pairs_k{k}")).Order(StringComparer.Ordinal).ToArray();
        CollectionAssert.AreEqual(expected, folders);
        foreach (var folder in folders)
        {
            var dir = Path.Combine(output, folder!);
            Assert.IsTrue(File.Exists(Path.Combine(dir, "meta.json")), folder);
            Assert.IsTrue(File.Exists(Path.Combine(dir, "note.txt")), folder);
            Assert.IsTrue(Directory.Exists(Path.Combine(dir, "tpu")), folder);
        }

        var k2 = ComboMeta.FromJson(File.ReadAllText(Path.Combine(output, "pairs_k2", "meta.json")));
        CollectionAssert.AreEqual(new[] { "tflite/seg1_int8.tflite", $"tflite/tail_seg2_to_{plan.K}_int8.tflite" }, k2.Models.Select(m => m.File).ToArray());
        Assert.AreEqual(plan.Cuts[0].Tensor, k2.Models[1].Inputs[0].Name);
        CollectionAssert.AreEqual(plan.Cuts[0].Shape, k2.Models[1].Inputs[0].Shape);
        Assert.AreEqual("int8", k2.Models[1].Inputs[0].Dtype);
        Assert.AreEqual(k2.Models[0].Outputs[0].Scale[0], k2.Models[1].Inputs[0].Scale[0], "seg1's output parameters are the tail's input parameters");
        var note = File.ReadAllText(Path.Combine(output, "pairs_k2", "note.txt"));
        StringAssert.Contains(note, "seg1_int8.tflite");
        StringAssert.Contains(note, plan.Cuts[0].Tensor);
    }

    [TestMethod]
    public void Every_combo_computes_exactly_the_full_split_in_the_real_TFLite_runtime()
    {
        var (int8, plan) = Build();
        var output = WriteLayout(int8, plan, RepoPaths.NewScratchDirectory("layout"));
        var input = new LayoutChainRunner(Path.Combine(output, "full_split")).Input;
        var random = new Random(7);
        var x = Enumerable.Range(0, input.Shape.Aggregate(1, (a, b) => a * b)).Select(_ => (sbyte)random.Next(-128, 128)).ToArray();

        var reference = RunInTfLite(Path.Combine(output, "full_split"), x);
        var whole = RunWholeModel(int8, x);
        CollectionAssert.AreEqual(whole, reference, "the full split chain equals the unsegmented int8 model");
        for (int k = 2; k <= plan.K; k++)
        {
            var combo = Path.Combine(output, $"pairs_k{k}");
            CollectionAssert.AreEqual(reference, RunInTfLite(combo, x), $"pairs_k{k} in TFLite");
            CollectionAssert.AreEqual(reference, new LayoutChainRunner(combo).RunInt8(x), $"pairs_k{k} in the Int8Executor");
        }
    }

    [TestMethod]
    public void Same_inputs_give_byte_identical_layouts()
    {
        var (int8, plan) = Build();
        var a = WriteLayout(int8, plan, RepoPaths.NewScratchDirectory("layout-a"));
        var (int8b, planb) = Build();
        var b = WriteLayout(int8b, planb, RepoPaths.NewScratchDirectory("layout-b"));

        var filesA = Directory.GetFiles(a, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(a, f)).Order(StringComparer.Ordinal).ToArray();
        var filesB = Directory.GetFiles(b, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(b, f)).Order(StringComparer.Ordinal).ToArray();
        CollectionAssert.AreEqual(filesA, filesB);
        foreach (var f in filesA)
            CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(a, f)), File.ReadAllBytes(Path.Combine(b, f)), f);
    }

    [TestMethod]
    public void A_failed_layout_write_leaves_the_previous_layout_untouched()
    {
        var (int8, plan) = Build();
        var root = RepoPaths.NewScratchDirectory("layout");
        var output = WriteLayout(int8, plan, root);
        var before = File.ReadAllBytes(Path.Combine(output, "full_split", "meta.json"));
        File.Delete(Path.Combine(root, "store", "seg1_int8.tflite"));

        Assert.ThrowsExactly<FileNotFoundException>(() =>
            LayoutWriter.Write(new LayoutRequest(plan, Path.Combine(root, "store"), output, new SourceInfo(ModelFile, "1"), "PerChannel", new CalibrationInfo("test", 4, "none"))));

        CollectionAssert.AreEqual(before, File.ReadAllBytes(Path.Combine(output, "full_split", "meta.json")));
        Assert.IsEmpty(Directory.GetDirectories(root, "resnet8.staging-*"), "no staging folder left behind");
    }

    private static sbyte[] RunInTfLite(string comboFolder, sbyte[] input)
    {
        var meta = ComboMeta.FromJson(File.ReadAllText(Path.Combine(comboFolder, "meta.json")));
        var x = input;
        foreach (var m in meta.Models)
        {
            using var interpreter = TfLiteRuntime.Load(Path.Combine(comboFolder, m.File));
            x = interpreter.RunInt8(x);
        }

        return x;
    }

    private static sbyte[] RunWholeModel(ModelGraph int8, sbyte[] input)
    {
        using var interpreter = TfLiteRuntime.Load(ModelBuild.Core.TfLite.TfLiteWriter.Write(int8));
        return interpreter.RunInt8(input);
    }
}
