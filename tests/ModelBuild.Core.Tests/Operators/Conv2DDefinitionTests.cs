using ModelBuild.Core.Graph;
using ModelBuild.Core.Operators;
using ModelBuild.Core.Tests.Execution;
using static ModelBuild.Core.Tests.Operators.OperatorContract;
using static ModelBuild.Core.Tests.TestGraphs.EdgeTpuTestGraphs;

namespace ModelBuild.Core.Tests.Operators;

/// <summary>CONV_2D: TensorFlow's window shapes, per-channel int8 weights, and its .tflite form (builtin 3, version 3 in int8).</summary>
[TestClass]
public sealed class Conv2DDefinitionTests
{
    public static IEnumerable<object[]> OneOpRows => Int8OneOpAgreement.RowsOf(nameof(Conv2DDefinitionTests));

    [TestMethod]
    [DynamicData(nameof(OneOpRows))]
    public void One_op_int8_model_matches_float_within_two_output_steps(string name) =>
        Int8OneOpAgreement.AssertMatchesFloatWithinTwoOutputSteps(name);

    [TestMethod]
    [DynamicData(nameof(OneOpRows))]
    public void Model_read_back_from_tflite_runs_identically(string name) => Int8OneOpAgreement.AssertReadBackRunsIdentically(name);

    private static Node Conv(Conv2DOptions o, int[] x, int oc, int k) =>
        Make("conv", OpType.Conv2D, [Act("x", x), Weights("w", oc, k, k, x[3]), Bias("b", oc)], o);

    [TestMethod]
    [DataRow(Padding.Same, 2, 1, 6, 6)]
    [DataRow(Padding.Valid, 1, 1, 10, 9)]
    [DataRow(Padding.Valid, 1, 2, 8, 7)]
    [DataRow(Padding.Valid, 2, 1, 5, 5)]
    public void Output_shape_follows_tensorflows_padding_stride_and_dilation(Padding padding, int stride, int dilation, int oh, int ow)
    {
        var n = Conv(new Conv2DOptions(padding, stride, stride, dilation, dilation), [1, 12, 11, 3], 4, 3);
        CollectionAssert.AreEqual(new[] { 1, oh, ow, 4 }, OperatorRegistry.For(OpType.Conv2D).InferOutputShape(n));
    }

    [TestMethod]
    public void Int8_weights_are_quantized_per_output_channel()
    {
        var int8 = Int8OneOpAgreement.Quantized("conv_same_s1_relu");
        Assert.HasCount(7, int8.Nodes[0].Inputs[1]!.Quant!.Scale, "one scale per output channel");
        Assert.AreEqual(DataType.Int32, int8.Nodes[0].Inputs[2]!.Type, "the bias is int32");
    }

    [TestMethod]
    public void Int8_conv_is_written_as_builtin_3_version_3_with_its_options() =>
        AssertWrittenAs(Conv(new Conv2DOptions(Padding.Same, 2, 1, 1, 2, FusedActivation.Relu6), [1, 8, 8, 3], 4, 3), builtin: 3, version: 3);

    [TestMethod]
    public void Float_conv_is_version_1()
    {
        var n = new Node("conv", OpType.Conv2D, [new Tensor("x", [1, 4, 4, 2]), new Tensor("w", [3, 1, 1, 2], DataType.Float32, new float[6])],
            [new Tensor("conv", [1, 4, 4, 3])], new Conv2DOptions(Padding.Valid, 1, 1));
        AssertWrittenAs(n, builtin: 3, version: 1);
    }

    [TestMethod]
    public void Int8_conv_is_an_operator_the_edge_tpu_compiler_accepts() =>
        AssertEdgeTpuAccepts(Conv(new Conv2DOptions(Padding.Same, 1, 1), [1, 8, 8, 3], 4, 3));
}
