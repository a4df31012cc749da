using ModelBuild.Core.EdgeTpu;
using ModelBuild.Core.TfLite;
using ModelBuild.EdgeTpuCompilerStandIn;
using ModelBuild.TestSupport;

namespace ModelBuild.Sdk.Tests;

/// <summary>The layout a build with the stand-in compiler leaves: every model compiled, its figures in meta.json; or, after a failure, nothing.</summary>
public static class StandInLayoutAssert
{
    private const double MiB = 1024.0 * 1024.0;
    private const long StandInOnChipBytes = StandInCompiler.DefaultOnChipBytes;

    /// <summary>
    /// Checks full_split and every pairs_kN: each model compiled by the stand-in, its output and log in the combo's
    /// tpu/ (and nothing else there), meta.json holding the figures the compiler reported. Returns the distinct models.
    /// </summary>
    public static List<string> Compiled(SdkProject project, string model)
    {
        var root = Path.Combine(project.OutDir, model);
        int k = project.Meta(model).SegmentCount;
        var combos = new[] { "full_split" }.Concat(Enumerable.Range(2, k - 1).Select(i => $"pairs_k{i}")).ToList();
        CollectionAssert.AreEquivalent(combos, Directory.GetDirectories(root).Select(Path.GetFileName).ToList());
        var distinct = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var combo in combos)
        {
            var expectedTpuFiles = new List<string>();
            foreach (var m in project.Meta(model, combo).Models)
            {
                var name = Path.GetFileName(m.File);
                var stem = Path.GetFileNameWithoutExtension(name);
                var where = $"{model}/{combo}/{name}";
                var tflite = Path.Combine(root, combo, m.File);
                var tpu = m.EdgeTpu;
                Assert.AreEqual("compiled", tpu.Status, $"{where}: {tpu.Message}");
                Assert.AreEqual($"tpu/{stem}_edgetpu.tflite", tpu.CompiledFile, where);
                Assert.AreEqual($"tpu/{stem}_edgetpu.log", tpu.LogFile, where);
                Assert.IsTrue(EdgeTpuStandIn.ExpectedOutput(tflite).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(root, combo, tpu.CompiledFile!))),
                    $"{where}: tpu/ holds the compiler's output for this very model");
                StringAssert.StartsWith(File.ReadAllText(Path.Combine(root, combo, tpu.LogFile!)), $"Edge TPU Compiler version {StandInCompiler.DefaultVersion}\nInput: ");

                // The figures the compiler printed, parsed into meta.json.
                int operations = TfLiteFlatModel.ReadFile(tflite).Subgraphs[0].Operators.Count;
                Assert.AreEqual(StandInCompiler.DefaultVersion, tpu.CompilerVersion, where);
                Assert.AreEqual(operations, tpu.OperationsTotal, where);
                Assert.AreEqual(operations, tpu.OperationsMapped, where);
                Assert.AreEqual(1, tpu.Subgraphs, where);
                var direct = EdgeTpuStaticCheck.CheckFile(tflite);
                Assert.AreEqual(direct.ParameterBytes / MiB, tpu.OnChipMemoryMiB!.Value, 1e-4, $"{where}: stand-in's on-chip parameter memory agrees with our check's estimate");
                Assert.AreEqual((StandInOnChipBytes - direct.ParameterBytes) / MiB, tpu.OnChipMemoryRemainingMiB!.Value, 0.005, $"{where}: on-chip memory remaining (printed with 2 decimals)");
                Assert.AreEqual(0.0, tpu.OffChipMemoryMiB, where);
                Assert.AreEqual(operations, tpu.Operators!.Sum(o => o.Count), $"{where}: the operation table covers every operation");
                Assert.IsTrue(tpu.Operators!.All(o => o.Status == "Mapped to Edge TPU"), where);

                // Stand-in agrees with our check: ModelBuild's own check, made before the stand-in ran, predicted its table.
                var check = m.EdgeTpuCheck ?? throw new AssertFailedException($"{where}: no edgeTpuCheck");
                Assert.AreEqual((operations, operations, 0, "fits"), (check.Operations, check.OperationsOnEdgeTpu, check.OperationsOnCpu, check.OnChipFit), where);
                Assert.AreEqual(direct.ParameterBytes, check.ParameterBytes, where);
                Assert.IsEmpty(check.CpuOperations, where);
                CollectionAssert.AreEqual(tpu.Operators!.Select(o => (o.Operator, o.Count, o.Status)).ToArray(), check.Operators.Select(o => (o.Operator, o.Count, o.Status)).ToArray(), $"{where}: stand-in agrees with our check");
                expectedTpuFiles.AddRange([$"{stem}_edgetpu.tflite", $"{stem}_edgetpu.log"]);
                distinct.Add(name);
            }

            CollectionAssert.AreEquivalent(expectedTpuFiles, Directory.GetFiles(Path.Combine(root, combo, "tpu")).Select(Path.GetFileName).ToList(),
                $"{model}/{combo}/tpu holds exactly its models' compilations and logs");
        }

        return [.. distinct];
    }

    /// <summary>No layout in bin, no Edge TPU results or compiled models in obj, no temporary files.</summary>
    public static void NoOutputs(SdkProject project, string model)
    {
        Assert.IsFalse(Directory.Exists(Path.Combine(project.OutDir, model)), $"no {model} folder in bin");
        var work = project.ModelWorkDir(model);
        Assert.IsFalse(File.Exists(Path.Combine(work, "tpu", "edgetpu.json")), "no Edge TPU results a next build would trust");
        Assert.IsFalse(Directory.Exists(Path.Combine(work, "layout")), "no layout in obj");
        if (Directory.Exists(work))
            Assert.IsEmpty(Directory.GetFiles(work, "*_edgetpu.*", SearchOption.AllDirectories), "no compiled model or log in obj");
        Assert.IsEmpty(project.StagingLeftovers(), "no staging or temporary files");
    }

    public static List<string> TpuFilesInBin(SdkProject project, string model) =>
        LayoutSnapshot.Of(project.OutDir, model).Keys.Where(f => f.Contains("/tpu/", StringComparison.Ordinal)).ToList();
}
