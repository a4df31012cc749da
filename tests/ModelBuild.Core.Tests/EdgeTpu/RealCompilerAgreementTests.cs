using System.Globalization;
using ModelBuild.Core.EdgeTpu;
using ModelBuild.Core.TfLite;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.EdgeTpu;

/// <summary>
/// Our static check and log parser against Google's real <c>edgetpu_compiler</c>: every CPU model in
/// ../shared/models/edgetpu beside its real <c>_edgetpu.tflite</c> (what is not inside the edgetpu-custom-op stayed on
/// the CPU), its real log where published, and its real console output where published (S01, the memory figures).
/// docs/EDGETPU.md holds the table these rows print.
/// </summary>
[TestClass]
public sealed class RealCompilerAgreementTests
{
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
}
