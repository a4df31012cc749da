using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Operators;
using ModelBuild.Core.Tests.Execution;
using static ModelBuild.Core.Tests.Operators.OperatorContract;
using static ModelBuild.Core.Tests.TestGraphs.EdgeTpuTestGraphs;

namespace ModelBuild.Core.Tests.Operators;

/// <summary>PAD: the padded shape, padding with the quantized zero, and its .tflite form (version 4 only beyond rank 4).</summary>
[TestClass]
public sealed class PadDefinitionTests
{
    public static IEnumerable<object[]> OneOpRows => Int8OneOpAgreement.RowsOf(nameof(PadDefinitionTests));

    [TestMethod]
    [DynamicData(nameof(OneOpRows))]
    public void One_op_int8_model_matches_float_within_two_output_steps(string name) =>
        Int8OneOpAgreement.AssertMatchesFloatWithinTwoOutputSteps(name);

    [TestMethod]
    [DynamicData(nameof(OneOpRows))]
    public void Model_read_back_from_tflite_runs_identically(string name) => Int8OneOpAgreement.AssertReadBackRunsIdentically(name);

    private static Node Pad(Tensor x, params int[] paddings) =>
        Make("pad", OpType.Pad, [x, new Tensor("paddings", [x.Rank, 2], DataType.Int32, paddings)]);

    [TestMethod]
    public void Output_shape_adds_the_padding_before_and_after_each_dimension() =>
        CollectionAssert.AreEqual(new[] { 1, 7, 8, 3 }, Pad(Act("x", 1, 5, 5, 3), 0, 0, 1, 1, 1, 2, 0, 0).Outputs[0].Shape);

    [TestMethod]
    public void Int8_pad_fills_the_border_with_the_inputs_zero_point()
    {
        var int8 = Int8OneOpAgreement.Quantized("pad");
        Assert.AreEqual(int8.Inputs[0].Quant, int8.Outputs[0].Quant, "the output keeps the input's parameters");
        var x = Enumerable.Repeat((sbyte)100, (int)int8.Inputs[0].ElementCount).ToArray();
        var y = new Int8Executor(int8).Run(x);
        // [1,5,5,3] padded by (1,1) rows and (1,2) columns: row 0 is all border, row 1 column 0 border, column 1 data.
        var zero = (sbyte)int8.Inputs[0].Quant!.ZeroPoint[0];
        Assert.AreNotEqual((sbyte)100, zero);
        Assert.IsTrue(y.Take(8 * 3).All(v => v == zero), "top row");
        Assert.AreEqual(zero, y[8 * 3]);
        Assert.AreEqual((sbyte)100, y[(8 + 1) * 3]);
    }

    [TestMethod]
    public void Int8_pad_is_written_as_builtin_34_version_2() =>
        AssertWrittenAs(Pad(Act("x", 1, 4, 4, 3), 0, 0, 1, 1, 1, 1, 0, 0), builtin: 34, version: 2);

    [TestMethod]
    public void Pad_of_a_five_dimensional_tensor_needs_version_4()
    {
        var n = Pad(Act("x", 1, 2, 4, 4, 3), 0, 0, 0, 0, 1, 1, 1, 1, 0, 0);
        Assert.AreEqual(4, OperatorRegistry.For(n).Version(n));
    }

    [TestMethod]
    public void Int8_pad_is_an_operator_the_edge_tpu_compiler_accepts() => AssertEdgeTpuAccepts(Pad(Act("x", 1, 4, 4, 3), 0, 0, 1, 1, 1, 1, 0, 0));
}
