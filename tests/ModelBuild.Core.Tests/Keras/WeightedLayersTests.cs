using System.Text.Json.Nodes;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;
using ModelBuild.TestSupport;
using PureHDF;
using static ModelBuild.Core.Tests.Keras.KerasTestModel;

namespace ModelBuild.Core.Tests.Keras;

/// <summary>
/// The layers that carry trained weights (Conv2D, DepthwiseConv2D, SeparableConv2D, Dense, BatchNormalization) in tiny
/// written models whose outputs are worked out by hand, and on a real Keras 2.4 model's weights.
/// </summary>
[TestClass]
public sealed class WeightedLayersTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("weighted-layers");

    private static string PathOf(string name) => Path.Combine(_dir, name + ".h5");

    [TestMethod]
    public void Depthwise_with_depth_multiplier_orders_channels_c_times_m_plus_m()
    {
        // 1x1 depthwise, C = 2, M = 2: out[c*2+m] = x[c] * k[c,m] with k = [[1,2],[3,4]].
        var path = new KerasTestModel()
            .Input("x", 1, 1, 2)
            .Layer("DepthwiseConv2D", "dw", Cfg(("kernel_size", new JsonArray(1, 1)), ("depth_multiplier", 2), ("use_bias", false), ("padding", "valid")), "x")
            .Weight("dw", "depthwise_kernel", [1, 1, 2, 2], [1, 2, 3, 4])
            .Write(PathOf("dw_multiplier"), "dw");
        var g = KerasModelReader.Read(path);
        Assert.AreEqual("1x1x1x4", string.Join("x", g.Outputs[0].Shape));
        AssertClose([10, 20, 60, 80], Run(g, [10, 20]), "depth multiplier");
    }

    [TestMethod]
    public void Dilated_conv_reads_the_spread_out_taps()
    {
        // 3x3 kernel, dilation 2, valid on 5x5: the single output sums x at rows/cols 0, 2, 4 weighted by k.
        var k = Enumerable.Range(1, 9).Select(i => (float)i).ToArray();
        var path = new KerasTestModel()
            .Input("x", 5, 5, 1)
            .Layer("Conv2D", "conv", Cfg(("filters", 1), ("kernel_size", new JsonArray(3, 3)), ("dilation_rate", new JsonArray(2, 2)), ("padding", "valid"), ("use_bias", false)), "x")
            .Weight("conv", "kernel", [3, 3, 1, 1], k)
            .Write(PathOf("dilated"), "conv");
        var g = KerasModelReader.Read(path);
        Assert.AreEqual("1x1x1x1", string.Join("x", g.Outputs[0].Shape));
        var x = Enumerable.Range(0, 25).Select(i => (float)i).ToArray();
        float expected = 0;
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 3; c++) expected += k[r * 3 + c] * x[(2 * r) * 5 + 2 * c];
        AssertClose([expected], Run(g, x), "dilated conv");
    }

    [TestMethod]
    public void BatchNorm_after_add_stays_a_per_channel_mul_add()
    {
        var path = new KerasTestModel()
            .Input("a", 1, 1, 2).Input("b", 1, 1, 2)
            .Layer("Add", "sum", Cfg(), ["a", "b"])
            .Layer("BatchNormalization", "bn", Cfg(("axis", -1), ("epsilon", 0.0)), "sum")
            .Weight("bn", "gamma", [2], [2, 1])
            .Weight("bn", "beta", [2], [1, 0])
            .Weight("bn", "moving_mean", [2], [1, 2])
            .Weight("bn", "moving_variance", [2], [4, 1])
            .Write(PathOf("bn_after_add"), "bn");
        var g = KerasModelReader.Read(path);

        Assert.AreEqual("Add Mul Add", string.Join(" ", g.Nodes.Select(n => n.Op)));
        Assert.AreEqual("bn", g.Outputs[0].Name);
        // (s - mean) / sqrt(var) * gamma + beta with s = (5, 5): (5-1)/2*2+1 = 5, (5-2)/1*1+0 = 3.
        AssertClose([5, 3], Run(g, [2, 3], [3, 2]), "unfolded batch norm");
    }

    [TestMethod]
    public void Conv2D_kernel_of_a_real_model_is_its_hwio_dataset_in_ohwi_order()
    {
        var file = RepoPaths.KerasModel("03_mlperf_tiny_resnet8_cifar10_k2.4.h5");
        using var h5 = H5File.OpenRead(file);
        var group = h5.Group("model_weights/conv2d");
        var name = group.Attribute("weight_names").Read<string[]>()[0];
        var dataset = group.Dataset(name);
        var hwio = dataset.Read<float[]>();
        var d = dataset.Space.Dimensions.Select(x => (int)x).ToArray();

        var kernel = KerasModelReader.ReadUnoptimized(file).FindTensor("conv2d/kernel");
        CollectionAssert.AreEqual(new[] { d[3], d[0], d[1], d[2] }, kernel.Shape);
        var ohwi = kernel.FloatData;
        for (int y = 0; y < d[0]; y++)
            for (int x = 0; x < d[1]; x++)
                for (int i = 0; i < d[2]; i++)
                    for (int o = 0; o < d[3]; o++)
                        Assert.AreEqual(hwio[((y * d[1] + x) * d[2] + i) * d[3] + o], ohwi[((o * d[0] + y) * d[1] + x) * d[2] + i]);
    }

    [TestMethod]
    public void Dense_on_a_map_keeps_its_leading_dimensions()
    {
        var path = new KerasTestModel()
            .Input("x", 2, 1, 3)
            .Layer("Dense", "dense", Cfg(("units", 2), ("use_bias", false)), "x")
            .Weight("dense", "kernel", [3, 2], [1, 0, 0, 1, 1, 1])
            .Write(PathOf("dense_map"), "dense");
        var g = KerasModelReader.Read(path);

        CollectionAssert.AreEqual(new[] { 1, 2, 1, 2 }, g.Outputs[0].Shape);
        AssertClose([4, 5, 1, -1], Run(g, [1, 2, 3, 0, -2, 1]), "per pixel: (x0 + x2, x1 + x2)");
    }

    [TestMethod]
    public void Separable_conv_with_bias_and_activation_applies_both_after_the_pointwise_step()
    {
        // 1×1 depthwise ×(2, 3), pointwise sums both channels, bias -10, relu.
        var path = new KerasTestModel()
            .Input("x", 1, 1, 2)
            .Layer("SeparableConv2D", "sep", Cfg(("filters", 1), ("kernel_size", new JsonArray(1, 1)), ("padding", "valid"), ("activation", "relu")), "x")
            .Weight("sep", "depthwise_kernel", [1, 1, 2, 1], [2, 3])
            .Weight("sep", "pointwise_kernel", [1, 1, 2, 1], [1, 1])
            .Weight("sep", "bias", [1], [-10])
            .Write(PathOf("separable_bias"), "sep");
        var g = KerasModelReader.Read(path);

        AssertClose([3], Run(g, [2, 3]), "relu(2·2 + 3·3 - 10)");
        AssertClose([0], Run(g, [1, 1]), "relu(2 + 3 - 10)");
    }

    [TestMethod]
    public void Batch_norm_without_center_or_scale_uses_zero_beta_and_unit_gamma()
    {
        var path = new KerasTestModel()
            .Input("x", 1, 1, 2)
            .Layer("BatchNormalization", "bn", Cfg(("axis", -1), ("epsilon", 0.0), ("center", false), ("scale", false)), "x")
            .Weight("bn", "moving_mean", [2], [1, 2])
            .Weight("bn", "moving_variance", [2], [4, 1])
            .Write(PathOf("bn_plain"), "bn");
        AssertClose([1, 1], Run(KerasModelReader.ReadUnoptimized(path), [3, 3]), "(3 - 1) / 2, (3 - 2) / 1");
    }

    [TestMethod]
    public void Grouped_conv_is_mb1003()
    {
        var path = new KerasTestModel()
            .Input("x", 2, 2, 4)
            .Layer("Conv2D", "grouped", Cfg(("filters", 2), ("kernel_size", new JsonArray(1, 1)), ("groups", 2)), "x")
            .Write(PathOf("grouped"), "grouped");
        var e = Assert.ThrowsExactly<ModelBuildException>(() => KerasModelReader.Read(path));
        Assert.AreEqual("MB1003", e.Code);
        StringAssert.Contains(e.Message, "'grouped' (Conv2D) with groups > 1");
    }
}
