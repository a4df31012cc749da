using ModelBuild.Core.EdgeTpu;
using ModelBuild.EdgeTpuCompilerStandIn;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.EdgeTpu;

/// <summary>
/// The stand-in compiler (its own reading of Coral's documentation, sharing no code with ModelBuild) and our static
/// check, held against each other on real models: agreement means two independent readings agree. On the shared real
/// compilations the stand-in is also held against the real compiler's own log.
/// </summary>
[TestClass]
public sealed class StandInAgreementTests
{
    public static IEnumerable<object[]> Models =>
        RealCompilerAgreementTests.Pairs.Select(p => new object[] { Path.Combine(RepoPaths.EdgeTpuCompilations, (string)p[0] + ".tflite") })
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
    [DynamicData(nameof(RealCompilerAgreementTests.PairsWithLog), typeof(RealCompilerAgreementTests))]
    public void Stand_in_writes_the_real_compilers_table_for_each_published_log(string stem)
    {
        var (standIn, _) = RunStandIn(Path.Combine(RepoPaths.EdgeTpuCompilations, stem + ".tflite"));
        var real = EdgeTpuCompilerOutputParser.ParseTable(File.ReadAllText(Path.Combine(RepoPaths.EdgeTpuCompilations, stem + "_edgetpu.log")));

        CollectionAssert.AreEquivalent(real.Select(o => (o.Operator, o.Count, o.Status)).ToList(), standIn.Operators.Select(o => (o.Operator, o.Count, o.Status)).ToList(), stem);
    }
}
