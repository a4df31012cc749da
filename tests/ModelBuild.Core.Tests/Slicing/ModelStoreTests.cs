using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Slicing;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.Layout.ResidualArtifacts;

namespace ModelBuild.Core.Tests.Slicing;

/// <summary>The model store on the residual graph cut at every candidate (K = 4): files, incremental rewrites, budget warnings.</summary>
[TestClass]
public sealed class ModelStoreTests
{
    [TestMethod]
    public void Every_distinct_model_is_written_once_and_the_last_tail_is_the_last_segment()
    {
        var root = RepoPaths.NewScratchDirectory("store-files");
        var store = Path.Combine(root, "models");
        var infos = ModelStore.Write(Model.Value.Int8, TinyPlan(), store);

        CollectionAssert.AreEqual(
            new[] { "models.json", "seg1_int8.tflite", "seg2_int8.tflite", "seg3_int8.tflite", "seg4_int8.tflite",
                "tail_seg2_to_4_int8.tflite", "tail_seg3_to_4_int8.tflite", "tail_seg4_to_4_int8.tflite" },
            RelativeFiles(store));
        CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(store, "seg4_int8.tflite")), File.ReadAllBytes(Path.Combine(store, "tail_seg4_to_4_int8.tflite")));
        var tail4 = infos.Single(i => i.File == "tail_seg4_to_4_int8.tflite");
        Assert.AreEqual((4, 4), (tail4.FirstSegment, tail4.LastSegment));
        Assert.AreEqual(infos.Single(i => i.File == "seg4_int8.tflite").Sha256, tail4.Sha256);
        CollectionAssert.AreEqual(infos.Select(i => i.File).ToArray(), ModelStore.ReadManifest(store).Select(i => i.File).ToArray(), "models.json lists what was written");
        DeleteScratch(root);
    }

    [TestMethod]
    public void Each_file_holds_its_own_model_and_the_hash_and_progress_the_store_reports_for_it()
    {
        // Files are written on another core while the next model is serialized into a second buffer: a file or a hash
        // taken from the wrong buffer, or a progress line before its file is written, would show here.
        var root = RepoPaths.NewScratchDirectory("store-hashes");
        var store = Path.Combine(root, "models");
        var log = new RecordingBuildLog();
        var plan = TinyPlan();
        var infos = ModelStore.Write(Model.Value.Int8, plan, store, log);

        var models = ComboPlan.DistinctModels(ComboPlan.Build(plan));
        foreach (var (info, m) in infos.Zip(models))
        {
            var bytes = File.ReadAllBytes(Path.Combine(store, info.File));
            Assert.AreEqual(Core.Files.AtomicFiles.Sha256(bytes), info.Sha256, info.File);
            Assert.AreEqual(bytes.Length, info.Bytes, info.File);
            var slice = GraphSlicer.Slice(Model.Value.Int8, m.FromTensor, m.ToTensor);
            slice.Name = Path.GetFileNameWithoutExtension(m.FileName);
            CollectionAssert.AreEqual(Core.TfLite.TfLiteWriter.Write(slice), bytes, $"{info.File} is its own slice");
        }

        var progress = log.ProgressMessages.Where(p => p.Contains(" wrote ", StringComparison.Ordinal)).ToList();
        CollectionAssert.AreEqual(infos.Select((i, n) => $"{i.File} ({i.Bytes / 1048576.0:F2} MiB), {n + 1}/{infos.Count} models").ToList(),
            progress.Select(p => p[(p.IndexOf(" wrote ", StringComparison.Ordinal) + 7)..]).ToList(), "one line per model, in order");
        DeleteScratch(root);
    }

    [TestMethod]
    public void A_write_that_fails_is_reported_as_its_own_error_after_every_write_has_stopped()
    {
        var root = RepoPaths.NewScratchDirectory("store-failure");
        var store = Path.Combine(root, "models");
        Directory.CreateDirectory(Path.Combine(store, "seg2_int8.tflite")); // a folder where a model file goes

        Assert.ThrowsExactly<IOException>(() => ModelStore.Write(Model.Value.Int8, TinyPlan(), store));
        Assert.IsFalse(File.Exists(Path.Combine(store, ModelStore.ManifestFile)), "no manifest for a store that was not written");
        Assert.IsEmpty(Directory.GetFiles(store, "*.tmp-*"), "no temporary file left behind");
        DeleteScratch(root);
    }

    [TestMethod]
    public void A_store_without_models_json_is_MB5050()
    {
        var e = Assert.ThrowsExactly<ModelBuildException>(() => ModelStore.ReadManifest(RepoPaths.NewScratchDirectory("store-empty")));
        Assert.AreEqual("MB5050", e.Code);
        StringAssert.EndsWith(e.File, ModelStore.ManifestFile);
    }

    [TestMethod]
    public void Rewriting_the_same_store_leaves_files_untouched_and_another_plan_removes_stale_models()
    {
        var plan = TinyPlan();
        var root = RepoPaths.NewScratchDirectory("store-incremental");
        var store = Path.Combine(root, "models");
        ModelStore.Write(Model.Value.Int8, plan, store);
        var old = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        foreach (var f in Directory.GetFiles(store)) File.SetLastWriteTimeUtc(f, old);

        ModelStore.Write(Model.Value.Int8, plan, store);
        foreach (var f in Directory.GetFiles(store))
            Assert.AreEqual(old, File.GetLastWriteTimeUtc(f), $"{Path.GetFileName(f)} was rewritten although its bytes did not change");

        var onePiece = BudgetPlanner.Plan(Model.Value.Float, 1);
        Assert.AreEqual(1, onePiece.K);
        ModelStore.Write(Model.Value.Int8, onePiece, store);
        CollectionAssert.AreEqual(new[] { "models.json", "seg1_int8.tflite" }, RelativeFiles(store), "models of the earlier plan are gone");
        DeleteScratch(root);
    }

    [TestMethod]
    public void Segment_files_over_the_budget_as_written_are_reported_with_MB2005()
    {
        var root = RepoPaths.NewScratchDirectory("store-budget");
        var log = new RecordingBuildLog();
        var infos = ModelStore.Write(Model.Value.Int8, TinyPlan(), Path.Combine(root, "tiny"), log, "residual.h5");

        // 800 bytes of parameters fit, but every file adds its flatbuffer tables: all four segments are over.
        var warned = log.Warnings.Where(w => w.Code == "MB2005").ToList();
        Assert.HasCount(4, warned);
        foreach (var seg in infos.Where(i => i.Role == "segment"))
        {
            Assert.IsGreaterThan(800L, seg.Bytes);
            Assert.AreEqual(new FileInfo(Path.Combine(root, "tiny", seg.File)).Length, seg.Bytes, "recorded size is the real file size");
            Assert.IsTrue(warned.Any(w => w.Message.Contains(seg.File) && w.Message.Contains($"{seg.Bytes} bytes")), $"{seg.File} named with its size");
        }

        Assert.IsTrue(warned.All(w => w.File == "residual.h5"));
        Assert.IsFalse(warned.Any(w => w.Message.Contains("tail_")), "tails are not held to the budget");

        var ample = new RecordingBuildLog();
        ModelStore.Write(Model.Value.Int8, BudgetPlanner.Plan(Model.Value.Float, 1), Path.Combine(root, "ample"), ample);
        Assert.IsEmpty(ample.Warnings);
        DeleteScratch(root);
    }
}
