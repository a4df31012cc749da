using System.Text.Json;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Files;
using ModelBuild.Core.Layout;
using ModelBuild.Core.Slicing;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.Layout.ResidualArtifacts;

namespace ModelBuild.Core.Tests.Layout;

/// <summary>The layout, model store, meta.json and note.txt on a graph built in code (fast, no ../shared needed).</summary>
[TestClass]
public sealed class LayoutWriterTests
{
    [TestMethod]
    public void Tiny_budget_layout_has_full_split_and_every_prefix_combo_with_the_spec_file_names()
    {
        var plan = TinyPlan();
        CollectionAssert.AreEqual(new[] { "stem", "block1_out", "block2_out" }, plan.Cuts.Select(c => c.Tensor).ToArray(), "precondition: K = 4");
        var root = RepoPaths.NewScratchDirectory("layout-files");
        var output = WriteLayout(Model.Value.Int8, plan, root);

        string[] expected =
        [
            "full_split/meta.json", "full_split/note.txt",
            "full_split/tflite/seg1_int8.tflite", "full_split/tflite/seg2_int8.tflite", "full_split/tflite/seg3_int8.tflite", "full_split/tflite/seg4_int8.tflite",
            "pairs_k2/meta.json", "pairs_k2/note.txt", "pairs_k2/tflite/seg1_int8.tflite", "pairs_k2/tflite/tail_seg2_to_4_int8.tflite",
            "pairs_k3/meta.json", "pairs_k3/note.txt", "pairs_k3/tflite/seg1_int8.tflite", "pairs_k3/tflite/seg2_int8.tflite", "pairs_k3/tflite/tail_seg3_to_4_int8.tflite",
            "pairs_k4/meta.json", "pairs_k4/note.txt", "pairs_k4/tflite/seg1_int8.tflite", "pairs_k4/tflite/seg2_int8.tflite", "pairs_k4/tflite/seg3_int8.tflite",
            "pairs_k4/tflite/tail_seg4_to_4_int8.tflite",
        ];
        CollectionAssert.AreEqual(expected.Order(StringComparer.Ordinal).ToArray(), RelativeFiles(output));
        foreach (var combo in new[] { "full_split", "pairs_k2", "pairs_k3", "pairs_k4" })
            Assert.IsTrue(Directory.Exists(Path.Combine(output, combo, "tpu")), $"{combo}/tpu exists for the Edge TPU step");
        Assert.IsEmpty(Directory.GetDirectories(root, "*.staging-*"), "no staging folder left behind");
        DeleteScratch(root);
    }

    [TestMethod]
    public void Store_writes_each_distinct_model_once_and_the_layout_hard_links_to_it()
    {
        var plan = TinyPlan();
        var root = RepoPaths.NewScratchDirectory("layout-links");
        var output = WriteLayout(Model.Value.Int8, plan, root);
        var store = Path.Combine(root, "models");

        CollectionAssert.AreEqual(
            new[] { "models.json", "seg1_int8.tflite", "seg2_int8.tflite", "seg3_int8.tflite", "seg4_int8.tflite", "tail_seg2_to_4_int8.tflite", "tail_seg3_to_4_int8.tflite", "tail_seg4_to_4_int8.tflite" },
            RelativeFiles(store));
        CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(store, "seg4_int8.tflite")), File.ReadAllBytes(Path.Combine(store, "tail_seg4_to_4_int8.tflite")),
            "the tail of pairs_kK is segment K");

        // A hard link shares the file's contents: changing the store's copy in place shows in every layout entry.
        var seg1 = Path.Combine(store, "seg1_int8.tflite");
        var original = File.ReadAllBytes(seg1);
        using (var f = new FileStream(seg1, FileMode.Open, FileAccess.Write))
        {
            f.Seek(original.Length - 1, SeekOrigin.Begin);
            f.WriteByte((byte)(original[^1] ^ 0xFF));
        }

        foreach (var combo in new[] { "full_split", "pairs_k2", "pairs_k3", "pairs_k4" })
            Assert.AreEqual((byte)(original[^1] ^ 0xFF), File.ReadAllBytes(Path.Combine(output, combo, "tflite", "seg1_int8.tflite"))[^1], $"{combo} links to the store's seg1");
        DeleteScratch(root);
    }

    [TestMethod]
    public void Same_model_and_options_give_byte_identical_store_and_layout()
    {
        var rootA = RepoPaths.NewScratchDirectory("determinism-a");
        var rootB = RepoPaths.NewScratchDirectory("determinism-b");
        var a = Quantized();
        WriteLayout(a.Int8, BudgetPlanner.Plan(a.Float, TinyBudgetMiB), rootA);
        var b = Quantized();
        WriteLayout(b.Int8, BudgetPlanner.Plan(b.Float, TinyBudgetMiB), rootB);

        var files = RelativeFiles(rootA);
        CollectionAssert.AreEqual(files, RelativeFiles(rootB));
        Assert.HasCount(8 + 21, files, "store (7 models + models.json) and layout (21 files)");
        foreach (var f in files)
            CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(rootA, f)), File.ReadAllBytes(Path.Combine(rootB, f)), f);
        DeleteScratch(rootA);
        DeleteScratch(rootB);
    }

    [TestMethod]
    public void Meta_json_describes_the_combo_its_models_in_order_and_their_quantization()
    {
        var plan = TinyPlan();
        var root = RepoPaths.NewScratchDirectory("layout-meta");
        var output = WriteLayout(Model.Value.Int8, plan, root);
        var folder = Path.Combine(output, "pairs_k3");
        var meta = ComboMeta.FromJson(File.ReadAllText(Path.Combine(folder, "meta.json")));

        Assert.AreEqual(ComboMeta.CurrentSchemaVersion, meta.SchemaVersion);
        Assert.AreEqual("pairs_k3", meta.Combo);
        Assert.AreEqual(3, meta.K);
        Assert.AreEqual(4, meta.SegmentCount);
        Assert.AreEqual(TinyBudgetMiB, meta.BudgetMiB);
        Assert.AreEqual("residual.h5", meta.Source.File);
        CollectionAssert.AreEqual(new[] { "stem", "block1_out", "block2_out" }, meta.Cuts.Select(c => c.Tensor).ToArray());
        CollectionAssert.AreEqual(new[] { 1, 8, 8, 8 }, meta.Cuts[0].Shape);
        CollectionAssert.AreEqual(new[] { "tflite/seg1_int8.tflite", "tflite/seg2_int8.tflite", "tflite/tail_seg3_to_4_int8.tflite" }, meta.Models.Select(m => m.File).ToArray());
        CollectionAssert.AreEqual(new[] { 1, 2, 3 }, meta.Models.Select(m => m.Order).ToArray());
        CollectionAssert.AreEqual(new[] { "segment", "segment", "tail" }, meta.Models.Select(m => m.Role).ToArray());
        CollectionAssert.AreEqual(new[] { 3, 4 }, meta.Models[2].Segments);

        foreach (var m in meta.Models)
        {
            var bytes = File.ReadAllBytes(Path.Combine(folder, m.File));
            Assert.AreEqual(bytes.LongLength, m.Bytes, m.File);
            Assert.AreEqual(AtomicFiles.Sha256(bytes), m.Sha256, m.File);
            Assert.AreEqual(Math.Round(bytes.Length / 1048576.0, 4), m.MiB, m.File);
            Assert.AreEqual("off", m.EdgeTpu.Status, "placeholder until the Edge TPU step fills it");
        }

        Assert.AreEqual("input", meta.Models[0].Inputs[0].Name);
        CollectionAssert.AreEqual(new[] { 1, 8, 8, 3 }, meta.Models[0].Inputs[0].Shape);
        Assert.AreEqual("int8", meta.Models[0].Inputs[0].Dtype);
        for (int i = 0; i + 1 < meta.Models.Count; i++)
        {
            var output0 = meta.Models[i].Outputs[0];
            var next = meta.Models[i + 1].Inputs[0];
            Assert.AreEqual(output0.Name, next.Name);
            CollectionAssert.AreEqual(output0.Shape, next.Shape);
            CollectionAssert.AreEqual(output0.Scale, next.Scale, "a cut carries its quantization across");
            CollectionAssert.AreEqual(output0.ZeroPoint, next.ZeroPoint);
        }

        var last = meta.Models[^1].Outputs[0];
        Assert.AreEqual("probs", last.Name);
        CollectionAssert.AreEqual(new[] { 1, 10 }, last.Shape);
        Assert.AreEqual(1f / 256, last.Scale[0], "softmax output scale");
        Assert.AreEqual(-128L, last.ZeroPoint[0]);
        DeleteScratch(root);
    }

    [TestMethod]
    public void Meta_json_has_exactly_the_top_level_fields_docs_META_JSON_md_documents()
    {
        var root = RepoPaths.NewScratchDirectory("layout-schema");
        var output = WriteLayout(Model.Value.Int8, TinyPlan(), root);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "pairs_k2", "meta.json")));
        var docs = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "META-JSON.md"));

        var top = doc.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        CollectionAssert.AreEqual(new[] { "schemaVersion", "generator", "source", "model", "budgetMiB", "quantization", "calibration", "combo", "k", "segmentCount", "cuts", "models" }, top);
        var model = doc.RootElement.GetProperty("models")[0];
        var fields = top.Concat(model.EnumerateObject().Select(p => p.Name))
            .Concat(model.GetProperty("inputs")[0].EnumerateObject().Select(p => p.Name))
            .Concat(model.GetProperty("edgeTpu").EnumerateObject().Select(p => p.Name))
            .Concat(doc.RootElement.GetProperty("source").EnumerateObject().Select(p => p.Name))
            .Concat(doc.RootElement.GetProperty("calibration").EnumerateObject().Select(p => p.Name))
            .Concat(doc.RootElement.GetProperty("cuts")[0].EnumerateObject().Select(p => p.Name));
        foreach (var f in fields.Distinct())
            StringAssert.Contains(docs, $"`{f}`", $"docs/META-JSON.md documents '{f}'");
        DeleteScratch(root);
    }

    [TestMethod]
    public void Note_txt_tells_a_person_the_budget_the_models_and_their_sizes()
    {
        var plan = TinyPlan();
        var root = RepoPaths.NewScratchDirectory("layout-note");
        var output = WriteLayout(Model.Value.Int8, plan, root);
        var meta = ComboMeta.FromJson(File.ReadAllText(Path.Combine(output, "full_split", "meta.json")));
        var note = File.ReadAllText(Path.Combine(output, "full_split", "note.txt"));

        StringAssert.Contains(note, "residual.h5");
        StringAssert.Contains(note, "4 segments");
        foreach (var m in meta.Models)
        {
            var row = note.Split('\n').Single(l => l.Contains(Path.GetFileName(m.File)));
            StringAssert.Contains(row, $" {m.Bytes} ");
            StringAssert.Contains(row, $"({string.Join(",", m.Inputs[0].Shape)})");
        }

        foreach (var cut in plan.Cuts) StringAssert.Contains(note, $"{cut.Tensor} (1,8,8,8)");
        DeleteScratch(root);
    }

    [TestMethod]
    public void A_model_that_fits_in_one_segment_gets_only_full_split()
    {
        var plan = BudgetPlanner.Plan(Model.Value.Float, 1);
        var root = RepoPaths.NewScratchDirectory("layout-k1");
        var output = WriteLayout(Model.Value.Int8, plan, root);

        CollectionAssert.AreEqual(new[] { "full_split/meta.json", "full_split/note.txt", "full_split/tflite/seg1_int8.tflite" }, RelativeFiles(output));
        var meta = ComboMeta.FromJson(File.ReadAllText(Path.Combine(output, "full_split", "meta.json")));
        Assert.IsEmpty(meta.Cuts);
        Assert.AreEqual(1, meta.SegmentCount);
        CollectionAssert.AreEqual(Core.TfLite.TfLiteWriter.Write(Model.Value.Int8), File.ReadAllBytes(Path.Combine(output, "full_split", "tflite", "seg1_int8.tflite")),
            "one segment is the whole int8 model");
        DeleteScratch(root);
    }
}
