using System.Globalization;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.EdgeTpu;
using ModelBuild.Core.TfLite;
using ModelBuild.EdgeTpuCompilerStandIn;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.EdgeTpu;

[TestClass]
public sealed class EdgeTpuStaticCheckTests
{
    [TestMethod]
    public void Real_compiled_mnist_is_recognized_with_one_operation_left_on_cpu()
    {
        var r = EdgeTpuStaticCheck.CheckFile(RepoPaths.TfLiteModel("13_mnist_int8_edgetpu.tflite"));

        Assert.IsTrue(r.Compiled);
        Assert.AreEqual(1, r.EdgeTpuCustomOps);
        Assert.AreEqual(2, r.Operations);
        Assert.AreEqual(1, r.OperationsOnCpu, "the DEQUANTIZE after the edgetpu-custom-op stays on the CPU");
        Assert.AreEqual("DEQUANTIZE", r.Findings.Single().Operator);
    }

    [TestMethod]
    public void Googles_int8_mnist_maps_fully_and_counts_its_parameters()
    {
        var r = EdgeTpuStaticCheck.CheckFile(RepoPaths.TfLiteModel("13_mnist_int8.tflite"));

        Assert.IsFalse(r.Compiled);
        Assert.AreEqual(8, r.Operations);
        Assert.AreEqual(0, r.OperationsOnCpu, string.Join("; ", r.Findings));
        // int8 weights 3*3*16 + 32*3*3*16 + 64*2048 + 10*64 and int32 biases 16 + 32 + 64 + 10.
        Assert.AreEqual(144 + 4608 + 131072 + 640 + 4 * (16 + 32 + 64 + 10), r.ParameterBytes);
        Assert.AreEqual("fits", r.OnChipFit);
    }

    [TestMethod]
    public void Googles_int8_mobilenet_v2_maps_fully()
    {
        var r = EdgeTpuStaticCheck.CheckFile(RepoPaths.TfLiteModel("tf2_mobilenet_v2_1.0_224_ptq.tflite"));

        Assert.AreEqual(68, r.Operations);
        Assert.AreEqual(68, r.OperationsOnEdgeTpu, string.Join("; ", r.Findings));
    }

    [TestMethod]
    public void Typical_int8_conv_net_written_by_ModelBuild_passes_without_warnings()
    {
        var log = new RecordingBuildLog();
        var r = EdgeTpuStaticCheck.Check(EdgeTpuTestGraphs.TypicalInt8ConvNet());
        EdgeTpuStaticCheck.Report(r, log);

        Assert.AreEqual(6, r.Operations);
        Assert.AreEqual(6, r.OperationsOnEdgeTpu, string.Join("; ", r.Findings));
        Assert.IsTrue(r.FullyMapped);
        Assert.AreEqual(0, log.Warnings.Count);
    }

    [TestMethod]
    public void Float_op_is_flagged_as_unsupported_data_type_and_everything_after_the_cut_runs_on_cpu()
    {
        var log = new RecordingBuildLog();
        var r = EdgeTpuStaticCheck.Check(EdgeTpuTestGraphs.WithFloatOp());
        EdgeTpuStaticCheck.Report(r, log);

        Assert.AreEqual(1, r.OperationsOnEdgeTpu);
        Assert.AreEqual(2, r.OperationsOnCpu);
        var logistic = r.Findings.Single(f => f.Operator == "LOGISTIC");
        Assert.AreEqual(EdgeTpuOperatorRules.UnsupportedDataType, logistic.CompilerStatus);
        StringAssert.Contains(logistic.Reason, "Float32");
        var warning = log.Warnings.Single();
        Assert.AreEqual("MB4020", warning.Code);
        StringAssert.Contains(warning.Message, "2 of 3 operations");
    }

    [TestMethod]
    public void Five_dimensional_tensor_is_flagged_by_the_three_innermost_dimensions_rule()
    {
        var r = EdgeTpuStaticCheck.Check(EdgeTpuTestGraphs.WithFiveDimensionalTensor());

        Assert.AreEqual(1, r.OperationsOnEdgeTpu);
        var first = r.Findings[0];
        Assert.AreEqual("RESHAPE", first.Operator);
        StringAssert.Contains(first.Reason, "[1,2,4,8,4]");
        StringAssert.Contains(first.Reason, "3 innermost");
    }

    [TestMethod]
    public void Parameters_over_eight_MiB_exceed_the_on_chip_cache_and_warn()
    {
        var log = new RecordingBuildLog();
        var r = EdgeTpuStaticCheck.Check(EdgeTpuTestGraphs.TooLargeForOnChip());
        EdgeTpuStaticCheck.Report(r, log);

        Assert.AreEqual(4608L * 2048 + 4608 * 4, r.ParameterBytes);
        Assert.AreEqual("exceeds", r.OnChipFit);
        Assert.AreEqual("MB4021", log.Warnings.Single().Code);
        StringAssert.Contains(log.Warnings.Single().Message, "9.02 MiB");
    }

    // Against Google's real edgetpu_compiler: every CPU model in ../shared/models/edgetpu beside its real
    // _edgetpu.tflite (what is not inside the edgetpu-custom-op stayed on the CPU), its real log and console
    // output where published. docs/EDGETPU.md holds the table these rows print.

    public static IEnumerable<object[]> Pairs =>
        Directory.EnumerateFiles(RepoPaths.EdgeTpuCompilations, "*.tflite")
            .Where(f => !f.EndsWith("_edgetpu.tflite", StringComparison.Ordinal))
            .Select(f => Path.GetFileNameWithoutExtension(f)!)
            .Order(StringComparer.Ordinal)
            .Select(stem => new object[] { stem })
            .ToList();

    public static IEnumerable<object[]> PairsWithLog => With("_edgetpu.log");

    public static IEnumerable<object[]> PairsWithConsoleOutput => With("_edgetpu.stdout.txt");

    private static List<object[]> With(string suffix) =>
        Pairs.Where(p => File.Exists(Path.Combine(RepoPaths.EdgeTpuCompilations, (string)p[0] + suffix))).ToList();

    [TestMethod]
    public void Every_shared_pair_has_a_real_compilation()
    {
        Assert.IsGreaterThanOrEqualTo(8, Pairs.Count(), RepoPaths.EdgeTpuCompilations);
        Assert.IsGreaterThanOrEqualTo(5, PairsWithLog.Count());
        Assert.IsGreaterThanOrEqualTo(1, PairsWithConsoleOutput.Count());
        foreach (var stem in Pairs.Select(p => (string)p[0]))
            Assert.IsTrue(File.Exists(Compiled(stem)), stem);
    }

    [TestMethod]
    [DynamicData(nameof(Pairs))]
    public void Static_check_predicts_the_operators_the_real_compiler_left_on_the_cpu(string stem)
    {
        var check = EdgeTpuStaticCheck.CheckFile(Cpu(stem));
        var real = RealCpuOperators(stem);

        var predicted = Counts(check.Findings.Select(f => f.Operator));
        Console.WriteLine($"| {stem} | {check.Operations} | {Show(real)} | {Show(predicted)} | {(Show(real) == Show(predicted) ? "yes" : "NO")} | {check.ParameterBytes} |");
        Assert.AreEqual(Show(real), Show(predicted), $"{stem}: operators on the CPU, real compiler vs our check. Our causes: {string.Join("; ", check.Causes)}");
        Assert.AreEqual(check.Operations - real.Values.Sum(), check.OperationsOnEdgeTpu, stem);
    }

    [TestMethod]
    [DynamicData(nameof(PairsWithLog))]
    public void Parser_reads_the_real_log_and_it_matches_our_predicted_table(string stem)
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.EdgeTpuCompilations, stem + "_edgetpu.log"));
        var report = EdgeTpuCompilerOutputParser.Parse("", text);
        var check = EdgeTpuStaticCheck.CheckFile(Cpu(stem));

        Assert.IsNotNull(report.CompilerVersion, stem);
        StringAssert.Matches(report.CompilerVersion, new System.Text.RegularExpressions.Regex(@"^\d+\.\d+\.\d+$"));
        var tableLines = text.Split('\n').SkipWhile(l => !l.StartsWith("Operator", StringComparison.Ordinal)).Skip(1).Count(l => l.Trim().Length > 0);
        Assert.AreEqual(tableLines, report.Operators.Count, $"{stem}: every row of the real table is read");
        Assert.AreEqual(check.Operations, report.Operators.Sum(r => r.Count), $"{stem}: the real table counts every operator of the CPU model");
        Assert.AreEqual(Rows(report.Operators), Rows(check.Operators), $"{stem}: (operator, count, status) rows, real log vs our check");
    }

    [TestMethod]
    [DynamicData(nameof(PairsWithConsoleOutput))]
    public void On_chip_estimate_is_within_ten_percent_of_the_real_figure_where_published(string stem)
    {
        var check = EdgeTpuStaticCheck.CheckFile(Cpu(stem));
        var report = EdgeTpuCompilerOutputParser.Parse(File.ReadAllText(Path.Combine(RepoPaths.EdgeTpuCompilations, stem + "_edgetpu.stdout.txt")));
        Assert.IsTrue(report.CompiledSuccessfully, stem);
        Assert.IsNotNull(report.OnChipMemoryUsedBytes, stem);
        Assert.IsNotNull(report.OffChipMemoryUsedBytes, stem);
        long real = report.OnChipMemoryUsedBytes.Value;
        double error = (check.ParameterBytes - real) / (double)real;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{stem}: ours {check.ParameterBytes} B, compiler on-chip {real} B (+{report.OffChipMemoryUsedBytes} B off-chip), error {error:+0.0%;-0.0%}"));
        Assert.IsLessThanOrEqualTo(0.10, Math.Abs(error), stem);
    }

    private static string Cpu(string stem) => Path.Combine(RepoPaths.EdgeTpuCompilations, stem + ".tflite");

    private static string Compiled(string stem) => Path.Combine(RepoPaths.EdgeTpuCompilations, stem + "_edgetpu.tflite");

    /// <summary>Operators of the real compiled model outside its edgetpu-custom-op blocks: what the compiler left to the CPU.</summary>
    private static SortedDictionary<string, int> RealCpuOperators(string stem)
    {
        var model = TfLiteFlatModel.ReadFile(Compiled(stem));
        var sg = model.Subgraphs[0];
        var names = sg.Operators.Select(op => EdgeTpuStaticCheck.OperatorName(model.OperatorCodes[(int)op.OpcodeIndex])).ToList();
        Assert.IsTrue(names.Contains(EdgeTpuStaticCheck.EdgeTpuCustomOp), $"{stem}: the real output holds an edgetpu-custom-op");
        return Counts(names.Where(n => n != EdgeTpuStaticCheck.EdgeTpuCustomOp));
    }

    private static SortedDictionary<string, int> Counts(IEnumerable<string> names) =>
        new(names.GroupBy(n => n).ToDictionary(g => g.Key, g => g.Count()), StringComparer.Ordinal);

    private static string Show(SortedDictionary<string, int> counts) =>
        counts.Count == 0 ? "none" : string.Join(", ", counts.Select(kv => $"{kv.Key} {kv.Value}"));

    private static string Rows(IEnumerable<EdgeTpuOperatorRow> rows) =>
        string.Join("\n", rows.Select(r => $"{r.Operator} {r.Count} {r.Status}").Order(StringComparer.Ordinal));

    // Against the stand-in compiler (its own reading of Coral's documentation, sharing no code with ModelBuild):
    // agreement means two independent readings agree.

    public static IEnumerable<object[]> Models =>
        EdgeTpuStaticCheckTests.Pairs.Select(p => new object[] { Path.Combine(RepoPaths.EdgeTpuCompilations, (string)p[0] + ".tflite") })
            .Concat(new[] { "13_mnist_int8.tflite", "01_mobilenet_v2_0.35_224_food101_int8.tflite", "tf2_mobilenet_v2_1.0_224_ptq.tflite", "03_pretrainedResnet_quant_int8.tflite" }
                .Select(f => new object[] { Path.Combine(RepoPaths.TfLiteModels, f) }))
            .ToList();

    private static (EdgeTpuCompilerReport Report, string Log) RunStandIn(string model)
    {
        var outDir = RepoPaths.NewScratchDirectory("standin-agreement");
        var stdout = new StringWriter();
        var env = Environment.GetEnvironmentVariable(StandInEnvironment.OnChipBytes);
        Assert.IsNull(env, "the default on-chip cache");
        int exit = StandInCompiler.Run(["-s", "-o", outDir, model], stdout, new StringWriter());
        Assert.AreEqual(0, exit, stdout.ToString());
        var log = File.ReadAllText(Path.Combine(outDir, Path.GetFileNameWithoutExtension(model) + "_edgetpu.log"));
        return (EdgeTpuCompilerOutputParser.Parse(stdout.ToString(), log), log);
    }

    [TestMethod]
    [DynamicData(nameof(Models))]
    public void Stand_in_agrees_with_our_check_on_the_operation_table_and_the_parameter_bytes(string model)
    {
        var (report, _) = RunStandIn(model);
        var check = EdgeTpuStaticCheck.CheckFile(model);

        CollectionAssert.AreEqual(check.Operators.Select(o => (o.Operator, o.Count, o.Status)).ToList(),
            report.Operators.Select(o => (o.Operator, o.Count, o.Status)).ToList(), $"{Path.GetFileName(model)}: stand-in's table vs our check's");
        Assert.AreEqual((check.Operations, check.OperationsOnCpu == 0 ? null : check.OperationsOnEdgeTpu), (report.TotalOperations!.Value, report.OperationsOnEdgeTpu));
        long standIn = report.OnChipMemoryUsedBytes!.Value + report.OffChipMemoryUsedBytes!.Value;
        // The stand-in prints sizes with 2 decimals of its unit: agreement is to that precision.
        double unit = check.ParameterBytes >= 1 << 20 ? 1 << 20 : check.ParameterBytes >= 1024 ? 1024 : 1;
        Assert.AreEqual(check.ParameterBytes, standIn, 0.01 * unit, $"{Path.GetFileName(model)}: parameter bytes, stand-in (from tensor shapes) vs our check (from buffers)");
    }

    [TestMethod]
    [DynamicData(nameof(EdgeTpuStaticCheckTests.PairsWithLog), typeof(EdgeTpuStaticCheckTests))]
    public void Stand_in_writes_the_real_compilers_table_for_each_published_log(string stem)
    {
        var (standIn, _) = RunStandIn(Path.Combine(RepoPaths.EdgeTpuCompilations, stem + ".tflite"));
        var real = EdgeTpuCompilerOutputParser.ParseTable(File.ReadAllText(Path.Combine(RepoPaths.EdgeTpuCompilations, stem + "_edgetpu.log")));

        CollectionAssert.AreEquivalent(real.Select(o => (o.Operator, o.Count, o.Status)).ToList(), standIn.Operators.Select(o => (o.Operator, o.Count, o.Status)).ToList(), stem);
    }
}
