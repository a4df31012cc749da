using ModelBuild.Core.Graph;
using ModelBuild.Core.Operators;

namespace ModelBuild.Core.Tests.Operators;

/// <summary>The shape rules several definitions share: TensorFlow's window sizes, numpy broadcasting, constant int inputs.</summary>
[TestClass]
public sealed class ShapeInferenceTests
{
    [TestMethod]
    [DataRow(12, 3, 1, 1, Padding.Same, 12)]
    [DataRow(11, 3, 2, 1, Padding.Same, 6)]
    [DataRow(12, 3, 1, 1, Padding.Valid, 10)]
    [DataRow(11, 3, 2, 1, Padding.Valid, 5)]
    [DataRow(12, 3, 1, 2, Padding.Valid, 8)]
    [DataRow(12, 3, 1, 2, Padding.Same, 12)]
    [DataRow(7, 1, 2, 1, Padding.Valid, 4)]
    public void Window_size_is_tensorflows(int input, int filter, int stride, int dilation, Padding padding, int expected) =>
        Assert.AreEqual(expected, ShapeInference.Window(input, filter, stride, dilation, padding));

    [TestMethod]
    [DataRow(new[] { 1, 4, 4, 6 }, new[] { 6 }, new[] { 1, 4, 4, 6 })]
    [DataRow(new[] { 1, 1, 1, 6 }, new[] { 1, 5, 4, 1 }, new[] { 1, 5, 4, 6 })]
    [DataRow(new[] { 5, 1 }, new[] { 2, 1, 3 }, new[] { 2, 5, 3 })]
    [DataRow(new[] { 3 }, new[] { 3 }, new[] { 3 })]
    public void Broadcast_aligns_shapes_on_the_right_and_a_one_takes_the_others_size(int[] a, int[] b, int[] expected)
    {
        CollectionAssert.AreEqual(expected, ShapeInference.Broadcast(a, b));
        CollectionAssert.AreEqual(expected, ShapeInference.Broadcast(b, a), "either order");
    }

    [TestMethod]
    [DataRow(new[] { 1, 4 }, new[] { 1, 3 }, "shapes [1, 4] and [1, 3] do not broadcast (dimension 1: 4 against 3).")]
    [DataRow(new[] { 2, 3, 6 }, new[] { 5, 6 }, "shapes [2, 3, 6] and [5, 6] do not broadcast (dimension 1: 3 against 5).")]
    public void Shapes_whose_unequal_sizes_are_not_one_do_not_broadcast(int[] a, int[] b, string message)
    {
        // Before, the first shape's size silently won and the node got a wrong output shape.
        var e = Assert.ThrowsExactly<ArgumentException>(() => ShapeInference.Broadcast(a, b));
        Assert.AreEqual(message, e.Message);
    }

    [TestMethod]
    public void Same_as_input_is_a_copy_of_the_input_shape()
    {
        var x = new Tensor("x", [1, 4, 4, 3]);
        var shape = ShapeInference.SameAsInput(new Node("relu", OpType.Relu, [x], [new Tensor("y", [])]));
        CollectionAssert.AreEqual(new[] { 1, 4, 4, 3 }, shape);
        shape[1] = 99;
        Assert.AreEqual(4, x.Shape[1], "changing the result must not change the input");
    }

    [TestMethod]
    public void Constant_ints_reads_a_constant_int32_input()
    {
        var n = new Node("pad", OpType.Pad, [new Tensor("x", [1, 2]), new Tensor("p", [2, 2], DataType.Int32, new[] { 0, 0, 1, 2 })], [new Tensor("y", [])]);
        CollectionAssert.AreEqual(new[] { 0, 0, 1, 2 }, ShapeInference.ConstantInts(n, 1));
    }

    [TestMethod]
    public void Constant_ints_of_a_runtime_input_is_refused_naming_the_node_and_the_input()
    {
        var n = new Node("pad", OpType.Pad, [new Tensor("x", [1, 2]), new Tensor("p", [2, 2], DataType.Int32)], [new Tensor("y", [])]);
        var e = Assert.ThrowsExactly<NotSupportedException>(() => ShapeInference.ConstantInts(n, 1));
        Assert.AreEqual("Node 'pad' (Pad): input 1 must be a constant int32 tensor.", e.Message);
    }
}
