using System.Text.Json;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.EdgeTpu;
using ModelBuild.Core.Layout;
using ModelBuild.Core.Slicing;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.Layout.ResidualArtifacts;

namespace ModelBuild.Core.Tests.Layout;

/// <summary>meta.json's <c>edgeTpu</c> (the compiler's figures) and <c>edgeTpuCheck</c> (ModelBuild's own check): fields, order, docs, note.txt.</summary>
[TestClass]
public sealed class MetaJsonTests
{
    /// <summary>The residual graph's layout with the store checked and seg1 "compiled" with a full compiler report.</summary>
    private static (string Output, IReadOnlyDictionary<string, EdgeTpuCheckEntry> Checks) Layout(string root)
    {
        var plan = BudgetPlanner.Plan(Model.Value.Float, TinyBudgetMiB);
        var store = Path.Combine(root, "models");
        var manifest = ModelStore.Write(Model.Value.Int8, plan, store);
        var checks = EdgeTpuStoreCheck.Run(store, manifest, "residual.h5", new RecordingBuildLog());
        var compiled = new EdgeTpuModelResult("compiled", "seg1_int8_edgetpu.tflite", "seg1_int8_edgetpu.log", "16.0.384591198",
            OnChipMemoryMiB: 0.0004, OnChipMemoryRemainingMiB: 7.98, OffChipMemoryMiB: 0, OperationsMapped: 2, OperationsTotal: 2, Subgraphs: 1,
            Operators: [new EdgeTpuOperatorEntry("QUANTIZE", 1, "Mapped to Edge TPU"), new EdgeTpuOperatorEntry("CONV_2D", 1, "Mapped to Edge TPU")],
            Message: "seg1_int8.tflite -> seg1_int8_edgetpu.tflite: 2/2 operations on the Edge TPU");
        var output = Path.Combine(root, "residual");
        LayoutWriter.Write(Request(plan, store, output) with
        {
            EdgeTpu = new Dictionary<string, EdgeTpuModelResult> { ["seg1_int8.tflite"] = compiled },
            DefaultEdgeTpu = new EdgeTpuModelResult("skipped", Message: "edgetpu_compiler not found"),
            EdgeTpuChecks = checks,
        });
        return (output, checks);
    }

    [TestMethod]
    public void EdgeTpu_and_edgeTpuCheck_fields_come_in_the_documented_order_and_docs_META_JSON_md_names_each()
    {
        var root = RepoPaths.NewScratchDirectory("meta-edgetpu");
        var (output, _) = Layout(root);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "full_split", "meta.json")));
        var docs = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "META-JSON.md"));
        var models = doc.RootElement.GetProperty("models");

        static string[] Names(JsonElement e) => e.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.AreEqual("edgeTpuCheck", Names(models[0])[^1], "edgeTpuCheck follows edgeTpu");
        CollectionAssert.AreEqual(
            new[] { "status", "compiledFile", "logFile", "compilerVersion", "onChipMemoryMiB", "onChipMemoryRemainingMiB", "offChipMemoryMiB", "operationsMapped", "operationsTotal", "subgraphs", "operators", "message" },
            Names(models[0].GetProperty("edgeTpu")));
        CollectionAssert.AreEqual(new[] { "operator", "count", "status" }, Names(models[0].GetProperty("edgeTpu").GetProperty("operators")[0]));
        CollectionAssert.AreEqual(new[] { "status", "operators", "message" }, Names(models[1].GetProperty("edgeTpu")), "not compiled: no figures, an empty table");
        var check = models[0].GetProperty("edgeTpuCheck");
        CollectionAssert.AreEqual(
            new[] { "operations", "operationsOnEdgeTpu", "operationsOnCpu", "parameterBytes", "parameterMiB", "onChipCapacityMiB", "onChipFit", "operators", "cpuOperations" },
            Names(check));
        CollectionAssert.AreEqual(new[] { "operator", "count", "status" }, Names(check.GetProperty("operators")[0]));

        var fields = Names(models[0].GetProperty("edgeTpu")).Concat(Names(check)).Append("edgeTpuCheck").Append("operator").Append("count");
        foreach (var f in fields.Distinct())
            StringAssert.Contains(docs, $"`{f}`", $"docs/META-JSON.md documents '{f}'");
        foreach (var f in new[] { "index", "output", "reason" }) StringAssert.Contains(docs, $"`{f}`", $"docs/META-JSON.md documents cpuOperations' '{f}'");
        DeleteScratch(root);
    }

    [TestMethod]
    public void Meta_json_carries_the_check_of_each_model_and_reads_back_with_the_compilers_table()
    {
        var root = RepoPaths.NewScratchDirectory("meta-edgetpu-read");
        var (output, checks) = Layout(root);
        var meta = ComboMeta.FromJson(File.ReadAllText(Path.Combine(output, "pairs_k3", "meta.json")));

        foreach (var m in meta.Models)
        {
            var file = Path.GetFileName(m.File);
            var direct = EdgeTpuStaticCheck.CheckFile(Path.Combine(output, "pairs_k3", m.File));
            Assert.AreEqual(JsonSerializer.Serialize(checks[file]), JsonSerializer.Serialize(m.EdgeTpuCheck), file);
            Assert.AreEqual((direct.Operations, direct.OperationsOnCpu, direct.ParameterBytes), (m.EdgeTpuCheck!.Operations, m.EdgeTpuCheck.OperationsOnCpu, m.EdgeTpuCheck.ParameterBytes), file);
            Assert.AreEqual(direct.Operations, m.EdgeTpuCheck.Operators.Sum(o => o.Count), $"{file}: the predicted table covers every operation");
        }

        var seg1 = meta.Models[0].EdgeTpu;
        Assert.AreEqual((7.98, 0.0), (seg1.OnChipMemoryRemainingMiB!.Value, seg1.OffChipMemoryMiB!.Value));
        CollectionAssert.AreEqual(new[] { ("QUANTIZE", 1), ("CONV_2D", 1) }, seg1.Operators!.Select(o => (o.Operator, o.Count)).ToArray());
        Assert.IsEmpty(meta.Models[1].EdgeTpu.Operators!, "an empty table, never null");

        var note = File.ReadAllText(Path.Combine(output, "pairs_k3", "note.txt"));
        StringAssert.Contains(note, "Edge TPU check (ModelBuild's own, without the compiler): all 3 models map fully to the Edge TPU and fit its 8 MiB on-chip cache (largest ");
        DeleteScratch(root);
    }

    [TestMethod]
    public void Meta_json_written_before_these_fields_existed_still_reads()
    {
        const string json = """
            {"schemaVersion": 1, "generator": "ModelBuild 0.1.0", "source": {"file": "m.h5", "sha256": "00"}, "model": "m", "budgetMiB": 7,
             "quantization": "PerChannel", "calibration": {"source": "synthetic", "samples": 4, "preprocessing": "none"}, "combo": "full_split",
             "k": 1, "segmentCount": 1, "cuts": [], "models": [{"order": 1, "file": "tflite/seg1_int8.tflite", "role": "segment", "segments": [1, 1],
             "bytes": 10, "mib": 0, "sha256": "00", "inputs": [], "outputs": [], "edgeTpu": {"status": "compiled", "onChipMemoryMiB": 1.5}}]}
            """;

        var model = ComboMeta.FromJson(json).Models.Single();

        Assert.IsNull(model.EdgeTpuCheck);
        Assert.IsNull(model.EdgeTpu.OnChipMemoryRemainingMiB);
        Assert.IsEmpty(model.EdgeTpu.Operators!);
        Assert.AreEqual(1.5, model.EdgeTpu.OnChipMemoryMiB);
    }
}
