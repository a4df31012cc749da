using ModelBuild.Core.Graph;
using ModelBuild.Core.Operators;
using ModelBuild.Core.Tests.Execution;
using ModelBuild.Core.TfLite;
using static ModelBuild.Core.Tests.Operators.OperatorContract;
using static ModelBuild.Core.Tests.TestGraphs.EdgeTpuTestGraphs;

namespace ModelBuild.Core.Tests.Operators;

/// <summary>FULLY_CONNECTED: the flattening shape rule, per-tensor int8 weights, and its .tflite form (always three inputs).</summary>
[TestClass]
public sealed class FullyConnectedDefinitionTests
{
    public static IEnumerable<object[]> OneOpRows => Int8OneOpAgreement.RowsOf(nameof(FullyConnectedDefinitionTests));

    [TestMethod]
    [DynamicData(nameof(OneOpRows))]
    public void One_op_int8_model_matches_float_within_two_output_steps(string name) =>
        Int8OneOpAgreement.AssertMatchesFloatWithinTwoOutputSteps(name);

    [TestMethod]
    [DynamicData(nameof(OneOpRows))]
    public void Model_read_back_from_tflite_runs_identically(string name) => Int8OneOpAgreement.AssertReadBackRunsIdentically(name);

    private static Node Fc(bool keepNumDims, bool bias = true) =>
        new("fc", OpType.FullyConnected, bias ? [Act("x", 1, 3, 8), Weights("w", 5, 8), Bias("b", 5)] : [Act("x", 1, 3, 8), Weights("w", 5, 8)],
            [Act("fc", keepNumDims ? [1, 3, 5] : [3, 5])], new FullyConnectedOptions(FusedActivation.Relu, keepNumDims));

    [TestMethod]
    public void Output_shape_flattens_the_input_to_rows_of_the_weights_width() =>
        CollectionAssert.AreEqual(new[] { 3, 5 }, OperatorRegistry.For(OpType.FullyConnected).InferOutputShape(Fc(keepNumDims: false)));

    [TestMethod]
    public void Output_shape_with_keep_num_dims_keeps_the_leading_dimensions() =>
        CollectionAssert.AreEqual(new[] { 1, 3, 5 }, OperatorRegistry.For(OpType.FullyConnected).InferOutputShape(Fc(keepNumDims: true)));

    [TestMethod]
    public void Int8_weights_are_quantized_per_tensor() =>
        Assert.HasCount(1, Int8OneOpAgreement.Quantized("fully_connected").Nodes[0].Inputs[1]!.Quant!.Scale);

    [TestMethod]
    public void Int8_fully_connected_is_written_as_builtin_9_version_4() => AssertWrittenAs(Fc(keepNumDims: false), builtin: 9, version: 4);

    [TestMethod]
    public void Keep_num_dims_needs_version_5() => AssertWrittenAs(Fc(keepNumDims: true), builtin: 9, version: 5);

    [TestMethod]
    public void Missing_bias_is_written_as_an_explicit_minus_one_third_input_keeping_version_4()
    {
        var bytes = TfLiteWriter.Write(Alone(Fc(keepNumDims: false, bias: false)));
        var flat = TfLiteFlatModel.Read(bytes);
        var op = flat.Subgraphs[0].Operators.Single();
        Assert.HasCount(3, op.Inputs);
        Assert.AreEqual(-1, op.Inputs[2]);
        Assert.AreEqual(4, flat.OperatorCodes.Single().Version);
    }

    [TestMethod]
    public void Int8_fully_connected_is_an_operator_the_edge_tpu_compiler_accepts() => AssertEdgeTpuAccepts(Fc(keepNumDims: false));
}
