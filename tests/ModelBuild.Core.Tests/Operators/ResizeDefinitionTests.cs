using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Operators;
using ModelBuild.Core.Tests.Execution;
using static ModelBuild.Core.Tests.Operators.OperatorContract;
using static ModelBuild.Core.Tests.TestGraphs.EdgeTpuTestGraphs;

namespace ModelBuild.Core.Tests.Operators;

/// <summary>What RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR share: the size input's shape rule, the input's int8 parameters, and the two option booleans.</summary>
[TestClass]
public sealed class ResizeDefinitionTests
{
    private static Node Resize(OpType op, Tensor x, ResizeOptions options) => Make("resize", op, [x, Ints("size", 6, 8)], options);

    [TestMethod]
    [DataRow(OpType.ResizeBilinear)]
    [DataRow(OpType.ResizeNearestNeighbor)]
    public void Output_shape_takes_height_and_width_from_the_size_input(OpType op) =>
        CollectionAssert.AreEqual(new[] { 1, 6, 8, 2 }, Resize(op, Act("x", 1, 3, 4, 2), new ResizeOptions()).Outputs[0].Shape);

    [TestMethod]
    [DataRow("resize_nearest_2x")]
    [DataRow("resize_nearest_half_pixel")]
    public void Int8_resize_output_keeps_the_inputs_parameters(string row)
    {
        var int8 = Int8OneOpAgreement.Quantized(row);
        Assert.AreEqual(int8.Inputs[0].Quant, int8.Outputs[0].Quant);
    }

    [TestMethod]
    [DataRow(OpType.ResizeBilinear, 23, false, false, 2)]
    [DataRow(OpType.ResizeBilinear, 23, false, true, 3)]
    [DataRow(OpType.ResizeBilinear, 23, true, false, 2)]
    [DataRow(OpType.ResizeNearestNeighbor, 97, false, false, 2)]
    [DataRow(OpType.ResizeNearestNeighbor, 97, true, false, 3)]
    [DataRow(OpType.ResizeNearestNeighbor, 97, false, true, 3)]
    public void Int8_resize_is_written_with_both_option_booleans_at_its_lowest_version(OpType op, int builtin, bool alignCorners, bool halfPixel, int version) =>
        AssertWrittenAs(Resize(op, Act("x", 1, 3, 4, 2), new ResizeOptions(alignCorners, halfPixel)), builtin, version);

    [TestMethod]
    public void Resize_without_options_samples_as_align_corners_and_half_pixel_off()
    {
        // 2 → 4 columns without options: output j samples input j·0.5, the last clamped to the edge.
        var plain = Make("resize", OpType.ResizeBilinear, [new Tensor("x", [1, 1, 2, 1]), Ints("size", 1, 4)]);
        CollectionAssert.AreEqual(new[] { 0f, 2f, 4f, 4f }, new FloatExecutor(Alone(plain)).Run([0f, 4f]));
    }

    [TestMethod]
    [DataRow(OpType.ResizeBilinear)]
    [DataRow(OpType.ResizeNearestNeighbor)]
    public void Int8_resize_is_an_operator_the_edge_tpu_compiler_accepts(OpType op) =>
        AssertEdgeTpuAccepts(Resize(op, Act("x", 1, 3, 4, 2), new ResizeOptions(HalfPixelCenters: true)));
}
