using ModelBuild.Core.Graph;
using ModelBuild.Core.Slicing;

namespace ModelBuild.Core.Tests.Slicing;

[TestClass]
public sealed class SizeModelTests
{
    private static Node Conv(int oc, int k, int ic, bool bias)
    {
        var x = new Tensor("x", [1, 8, 8, ic]);
        var w = new Tensor("w", [oc, k, k, ic], DataType.Float32, new float[oc * k * k * ic]);
        var b = bias ? new Tensor("b", [oc], DataType.Float32, new float[oc]) : null;
        return new Node("conv", OpType.Conv2D, [x, w, b], [new Tensor("y", [1, 8, 8, oc])], new Conv2DOptions(Padding.Same, 1, 1, 1, 1, FusedActivation.None));
    }

    [TestMethod]
    public void Conv_weights_are_one_byte_each_the_bias_four_and_per_channel_adds_a_scale_and_zero_point_per_output_channel()
    {
        // 16×3×3×8 = 1152 int8 weights, 16 int32 biases, 16 × (float scale + int64 zero point).
        Assert.AreEqual(1152 + 16 * 4 + 16 * 12, SizeModel.NodeBytes(Conv(16, 3, 8, bias: true)));
        Assert.AreEqual(1152 + 16 * 4, SizeModel.NodeBytes(Conv(16, 3, 8, bias: true), perChannel: false));
        Assert.AreEqual(1152 + 16 * 12, SizeModel.NodeBytes(Conv(16, 3, 8, bias: false)));
    }

    [TestMethod]
    public void Int32_constants_count_four_bytes_and_runtime_inputs_nothing()
    {
        var x = new Tensor("x", [1, 4, 4, 8]);
        var axes = new Tensor("axes", [2], DataType.Int32, new[] { 1, 2 });
        var mean = new Node("mean", OpType.Mean, [x, axes], [new Tensor("y", [1, 8])], new ReducerOptions(false));
        Assert.AreEqual(8, SizeModel.NodeBytes(mean));
    }

    [TestMethod]
    public void Total_bytes_sum_the_nodes()
    {
        var graph = ResidualTestGraphs.ResidualBlock();
        Assert.AreEqual(SizeModel.NodeBytes(graph).Sum(), SizeModel.TotalBytes(graph));
        Assert.IsGreaterThan(SizeModel.TotalBytes(graph, perChannel: false), SizeModel.TotalBytes(graph));
    }
}
