using ModelBuild.Core.Graph;
using ModelBuild.Core.Operators;
using ModelBuild.Core.Tests.Execution;
using static ModelBuild.Core.Tests.Operators.OperatorContract;
using static ModelBuild.Core.Tests.TestGraphs.EdgeTpuTestGraphs;

namespace ModelBuild.Core.Tests.Operators;

/// <summary>MEAN and REDUCE_MAX: the keep_dims shape rule, REDUCE_MAX keeping the input's parameters, and their .tflite form.</summary>
[TestClass]
public sealed class ReduceDefinitionsTests
{
    public static IEnumerable<object[]> OneOpRows => Int8OneOpAgreement.RowsOf(nameof(ReduceDefinitionsTests));

    [TestMethod]
    [DynamicData(nameof(OneOpRows))]
    public void One_op_int8_model_matches_float_within_two_output_steps(string name) =>
        Int8OneOpAgreement.AssertMatchesFloatWithinTwoOutputSteps(name);

    [TestMethod]
    [DynamicData(nameof(OneOpRows))]
    public void Model_read_back_from_tflite_runs_identically(string name) => Int8OneOpAgreement.AssertReadBackRunsIdentically(name);

    private static Node Reduce(OpType op, bool keepDims, params int[] axes) =>
        Make("reduce", op, [Act("x", 1, 7, 7, 12), Ints("axes", axes)], new ReducerOptions(keepDims));

    [TestMethod]
    [DataRow(true, new[] { 1, 1, 1, 12 })]
    [DataRow(false, new[] { 1, 12 })]
    public void Output_shape_drops_the_reduced_axes_unless_keep_dims(bool keepDims, int[] shape) =>
        CollectionAssert.AreEqual(shape, Reduce(OpType.Mean, keepDims, 1, 2).Outputs[0].Shape);

    [TestMethod]
    public void Negative_axis_counts_from_the_end() =>
        CollectionAssert.AreEqual(new[] { 1, 7, 7 }, Reduce(OpType.ReduceMax, false, -1).Outputs[0].Shape);

    [TestMethod]
    public void Int8_reduce_max_keeps_the_inputs_parameters_and_mean_takes_its_own()
    {
        var max = Int8OneOpAgreement.Quantized("reduce_max");
        Assert.AreEqual(max.Inputs[0].Quant, max.Outputs[0].Quant);
        var mean = Int8OneOpAgreement.Quantized("mean");
        Assert.IsLessThan(mean.Inputs[0].Quant!.Scale[0], mean.Outputs[0].Quant!.Scale[0], "a mean's range is narrower than its input's");
    }

    [TestMethod]
    [DataRow(OpType.Mean, 40)]
    [DataRow(OpType.ReduceMax, 82)]
    public void Int8_reduction_is_written_as_its_builtin_version_2_with_keep_dims(OpType op, int builtin) =>
        AssertWrittenAs(Reduce(op, true, 1, 2), builtin, version: 2);

    [TestMethod]
    [DataRow(OpType.Mean)]
    [DataRow(OpType.ReduceMax)]
    public void Int8_reduction_over_x_and_y_is_an_operator_the_edge_tpu_compiler_accepts(OpType op) => AssertEdgeTpuAccepts(Reduce(op, false, 1, 2));
}
