using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Operators;
using ModelBuild.Core.Tests.Execution;
using static ModelBuild.Core.Tests.Operators.OperatorContract;
using static ModelBuild.Core.Tests.TestGraphs.EdgeTpuTestGraphs;

namespace ModelBuild.Core.Tests.Operators;

/// <summary>CONCATENATION: its shape rule, one quantization for inputs and output, its fused activation, and its .tflite form.</summary>
[TestClass]
public sealed class ConcatenationDefinitionTests
{
    public static IEnumerable<object[]> OneOpRows => Int8OneOpAgreement.RowsOf(nameof(ConcatenationDefinitionTests));

    [TestMethod]
    [DynamicData(nameof(OneOpRows))]
    public void One_op_int8_model_matches_float_within_two_output_steps(string name) =>
        Int8OneOpAgreement.AssertMatchesFloatWithinTwoOutputSteps(name);

    [TestMethod]
    [DynamicData(nameof(OneOpRows))]
    public void Model_read_back_from_tflite_runs_identically(string name) => Int8OneOpAgreement.AssertReadBackRunsIdentically(name);

    private static Node Concat(int axis, FusedActivation activation = FusedActivation.None) =>
        new("cat", OpType.Concatenation, [Act("a", 1, 4, 4, 3), Act("b", 1, 4, 4, 5)], [Act("cat", 1, 4, 4, 8)], new ConcatenationOptions(axis, activation));

    [TestMethod]
    [DataRow(3)]
    [DataRow(-1)]
    public void Output_shape_sums_the_joined_axis_counting_a_negative_axis_from_the_end(int axis) =>
        CollectionAssert.AreEqual(new[] { 1, 4, 4, 8 }, OperatorRegistry.For(OpType.Concatenation).InferOutputShape(Concat(axis)));

    [TestMethod]
    public void Int8_inputs_and_output_share_one_quantization()
    {
        var int8 = Int8OneOpAgreement.Quantized("concatenation");
        Assert.AreEqual(int8.Outputs[0].Quant, int8.Inputs[0].Quant);
        Assert.AreEqual(int8.Outputs[0].Quant, int8.Inputs[1].Quant);
    }

    [TestMethod]
    public void Float_concatenation_applies_its_fused_activation()
    {
        var a = new Tensor("a", [1, 1, 1, 2]);
        var b = new Tensor("b", [1, 1, 1, 1]);
        var y = new Tensor("cat", [1, 1, 1, 3]);
        var g = new ModelGraph("cat", [a, b], [y], [new Node("cat", OpType.Concatenation, [a, b], [y], new ConcatenationOptions(3, FusedActivation.Relu6))]);
        var feed = new Dictionary<Tensor, float[]>(ReferenceEqualityComparer.Instance) { [a] = [-1f, 7f], [b] = [3f] };
        CollectionAssert.AreEqual(new[] { 0f, 6f, 3f }, new FloatExecutor(g).Run(feed)[y]);
    }

    [TestMethod]
    public void Int8_concatenation_is_written_as_builtin_2_version_2_with_axis_and_activation() =>
        AssertWrittenAs(Concat(3, FusedActivation.Relu), builtin: 2, version: 2);

    [TestMethod]
    public void Float_concatenation_is_version_1()
    {
        var n = new Node("cat", OpType.Concatenation, [new Tensor("a", [1, 2, 2, 1]), new Tensor("b", [1, 2, 2, 1])], [new Tensor("cat", [1, 2, 2, 2])], new ConcatenationOptions(3));
        AssertWrittenAs(n, builtin: 2, version: 1);
    }

    [TestMethod]
    public void Int8_concatenation_is_an_operator_the_edge_tpu_compiler_accepts() => AssertEdgeTpuAccepts(Concat(3));
}
