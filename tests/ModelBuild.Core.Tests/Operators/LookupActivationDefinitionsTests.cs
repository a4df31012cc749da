using ModelBuild.Core.Graph;
using ModelBuild.Core.Operators;
using ModelBuild.Core.Tests.Execution;
using static ModelBuild.Core.Tests.Operators.OperatorContract;
using static ModelBuild.Core.Tests.TestGraphs.EdgeTpuTestGraphs;

namespace ModelBuild.Core.Tests.Operators;

/// <summary>LOGISTIC and TANH: the fixed int8 output parameters TFLite requires, and their .tflite form.</summary>
[TestClass]
public sealed class LookupActivationDefinitionsTests
{
    public static IEnumerable<object[]> OneOpRows => Int8OneOpAgreement.RowsOf(nameof(LookupActivationDefinitionsTests));

    [TestMethod]
    [DynamicData(nameof(OneOpRows))]
    public void One_op_int8_model_matches_float_within_two_output_steps(string name) =>
        Int8OneOpAgreement.AssertMatchesFloatWithinTwoOutputSteps(name);

    [TestMethod]
    [DynamicData(nameof(OneOpRows))]
    public void Model_read_back_from_tflite_runs_identically(string name) => Int8OneOpAgreement.AssertReadBackRunsIdentically(name);

    [TestMethod]
    [DataRow("logistic", 1f / 256, -128)]
    [DataRow("tanh", 1f / 128, 0)]
    public void Int8_output_has_the_fixed_parameters_tflite_requires(string row, float scale, int zeroPoint)
    {
        var q = Int8OneOpAgreement.Quantized(row).Outputs[0].Quant!;
        Assert.AreEqual((scale, (long)zeroPoint), (q.Scale[0], q.ZeroPoint[0]));
    }

    [TestMethod]
    [DataRow(OpType.Logistic, 14)]
    [DataRow(OpType.Tanh, 28)]
    public void Int8_lookup_activation_is_written_as_its_builtin_version_2(OpType op, int builtin) =>
        AssertWrittenAs(Make("act", op, [Act("x", 1, 4, 4, 3)]), builtin, version: 2);

    [TestMethod]
    [DataRow(OpType.Logistic)]
    [DataRow(OpType.Tanh)]
    public void Float_lookup_activation_is_version_1(OpType op) =>
        Assert.AreEqual(1, OperatorRegistry.For(op).Version(Make("act", op, [new Tensor("x", [1, 3])])));

    [TestMethod]
    [DataRow(OpType.Logistic)]
    [DataRow(OpType.Tanh)]
    public void Int8_lookup_activation_is_an_operator_the_edge_tpu_compiler_accepts(OpType op) =>
        AssertEdgeTpuAccepts(Make("act", op, [Act("x", 1, 4, 4, 3)]));
}
