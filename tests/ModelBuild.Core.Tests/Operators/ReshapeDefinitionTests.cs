using ModelBuild.Core.Graph;
using ModelBuild.Core.Operators;
using ModelBuild.Core.Tests.Execution;
using static ModelBuild.Core.Tests.TestGraphs.FloatTestGraphs;

namespace ModelBuild.Core.Tests.Operators;

/// <summary>RESHAPE: the output shape with a -1 dimension, and the float kernel keeping the row-major order.</summary>
[TestClass]
public sealed class ReshapeDefinitionTests
{
    public static IEnumerable<object[]> OneOpRows => Int8OneOpAgreement.RowsOf(nameof(ReshapeDefinitionTests));

    [TestMethod]
    [DynamicData(nameof(OneOpRows))]
    public void One_op_int8_model_matches_float_within_two_output_steps(string name) =>
        Int8OneOpAgreement.AssertMatchesFloatWithinTwoOutputSteps(name);

    [TestMethod]
    [DynamicData(nameof(OneOpRows))]
    public void Model_read_back_from_tflite_runs_identically(string name) => Int8OneOpAgreement.AssertReadBackRunsIdentically(name);

    private static Node Reshape(int[] input, int[] newShape, bool asOption)
    {
        var x = new Tensor("x", input);
        var shape = new Tensor("shape", [newShape.Length], DataType.Int32, newShape);
        return new Node("r", OpType.Reshape, [x, shape], [new Tensor("y", [1])], asOption ? new ReshapeOptions(newShape) : null);
    }

    [TestMethod]
    [DataRow(true, DisplayName = "from the options")]
    [DataRow(false, DisplayName = "from the shape input")]
    public void Output_shape_works_out_the_minus_one_dimension(bool asOption)
    {
        var node = Reshape([1, 4, 3, 2], [1, -1, 6], asOption);
        CollectionAssert.AreEqual(new[] { 1, 4, 6 }, OperatorRegistry.For(node).InferOutputShape(node));
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(3)]
    public void Reshape_with_minus_one_keeps_the_row_major_order(int batch)
    {
        var r = new Random(4);
        var x = RandomNd(r, [batch, 4, 3, 2]);
        var g = OneOp(OpType.Reshape, [[1, 4, 3, 2]], [Int32Constant("shape", 1, -1)], [1, 24], new ReshapeOptions([1, -1]));
        CollectionAssert.AreEqual(x.Data, Run(g, batch, x.Data));
    }
}
