using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Operators;
using ModelBuild.Core.Tests.Execution;
using static ModelBuild.Core.Tests.Operators.OperatorContract;
using static ModelBuild.Core.Tests.TestGraphs.EdgeTpuTestGraphs;

namespace ModelBuild.Core.Tests.Operators;

/// <summary>RELU, RELU6 and RELU_N1_TO_1: their clamps in float and their .tflite form.</summary>
[TestClass]
public sealed class ReluDefinitionsTests
{
    public static IEnumerable<object[]> OneOpRows => Int8OneOpAgreement.RowsOf(nameof(ReluDefinitionsTests));

    [TestMethod]
    [DynamicData(nameof(OneOpRows))]
    public void One_op_int8_model_matches_float_within_two_output_steps(string name) =>
        Int8OneOpAgreement.AssertMatchesFloatWithinTwoOutputSteps(name);

    [TestMethod]
    [DynamicData(nameof(OneOpRows))]
    public void Model_read_back_from_tflite_runs_identically(string name) => Int8OneOpAgreement.AssertReadBackRunsIdentically(name);

    [TestMethod]
    [DataRow(OpType.Relu, new[] { 0f, 0f, 0.5f, 3f, 7f })]
    [DataRow(OpType.Relu6, new[] { 0f, 0f, 0.5f, 3f, 6f })]
    [DataRow(OpType.ReluN1To1, new[] { -1f, -0.5f, 0.5f, 1f, 1f })]
    public void Float_relu_clamps_to_its_range(OpType op, float[] expected)
    {
        var n = Make("relu", op, [new Tensor("x", [1, 5])]);
        CollectionAssert.AreEqual(expected, new FloatExecutor(Alone(n)).Run([-2f, -0.5f, 0.5f, 3f, 7f]));
    }

    [TestMethod]
    [DataRow(OpType.Relu, 19, 2)]
    [DataRow(OpType.Relu6, 21, 2)]
    [DataRow(OpType.ReluN1To1, 20, 1)]
    public void Int8_relu_is_written_as_its_builtin_and_lowest_version(OpType op, int builtin, int version) =>
        AssertWrittenAs(Make("relu", op, [Act("x", 1, 4, 4, 3)]), builtin, version);

    [TestMethod]
    [DataRow(OpType.Relu)]
    [DataRow(OpType.Relu6)]
    [DataRow(OpType.ReluN1To1)]
    public void Int8_relu_is_an_operator_the_edge_tpu_compiler_accepts(OpType op) => AssertEdgeTpuAccepts(Make("relu", op, [Act("x", 1, 4, 4, 3)]));
}
