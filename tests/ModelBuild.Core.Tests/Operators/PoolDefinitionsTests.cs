using ModelBuild.Core.Graph;
using ModelBuild.Core.Operators;
using ModelBuild.Core.Tests.Execution;
using static ModelBuild.Core.Tests.Operators.OperatorContract;
using static ModelBuild.Core.Tests.TestGraphs.EdgeTpuTestGraphs;

namespace ModelBuild.Core.Tests.Operators;

/// <summary>MAX_POOL_2D and AVERAGE_POOL_2D: TensorFlow's window shapes, the input's int8 parameters kept, and their .tflite form.</summary>
[TestClass]
public sealed class PoolDefinitionsTests
{
    public static IEnumerable<object[]> OneOpRows => Int8OneOpAgreement.RowsOf(nameof(PoolDefinitionsTests));

    [TestMethod]
    [DynamicData(nameof(OneOpRows))]
    public void One_op_int8_model_matches_float_within_two_output_steps(string name) =>
        Int8OneOpAgreement.AssertMatchesFloatWithinTwoOutputSteps(name);

    [TestMethod]
    [DynamicData(nameof(OneOpRows))]
    public void Model_read_back_from_tflite_runs_identically(string name) => Int8OneOpAgreement.AssertReadBackRunsIdentically(name);

    private static Node Pool(OpType op, Padding padding, FusedActivation activation = FusedActivation.None) =>
        Make("pool", op, [Act("x", 1, 9, 9, 4)], new Pool2DOptions(padding, 2, 2, 3, 3, activation));

    [TestMethod]
    [DataRow(Padding.Same, 5)]
    [DataRow(Padding.Valid, 4)]
    public void Output_shape_follows_tensorflows_window_rule(Padding padding, int size) =>
        CollectionAssert.AreEqual(new[] { 1, size, size, 4 }, Pool(OpType.MaxPool2D, padding).Outputs[0].Shape);

    [TestMethod]
    [DataRow("maxpool_2x2")]
    [DataRow("avgpool_2x2")]
    public void Int8_pool_output_keeps_the_inputs_parameters(string row)
    {
        var int8 = Int8OneOpAgreement.Quantized(row);
        Assert.AreEqual(int8.Inputs[0].Quant, int8.Outputs[0].Quant);
    }

    [TestMethod]
    [DataRow(OpType.MaxPool2D, 17)]
    [DataRow(OpType.AveragePool2D, 1)]
    public void Int8_pool_is_written_as_its_builtin_version_2_with_window_stride_padding_and_activation(OpType op, int builtin) =>
        AssertWrittenAs(Pool(op, Padding.Same, FusedActivation.Relu6), builtin, version: 2);

    [TestMethod]
    [DataRow(OpType.MaxPool2D)]
    [DataRow(OpType.AveragePool2D)]
    public void Int8_pool_is_an_operator_the_edge_tpu_compiler_accepts(OpType op) => AssertEdgeTpuAccepts(Pool(op, Padding.Valid));
}
