using System.Text.Json.Nodes;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.Keras.KerasTestModel;

namespace ModelBuild.Core.Tests.Keras;

/// <summary>
/// Layers and config forms the ten real models do not exercise, in tiny written models whose outputs are worked
/// out by hand: depth multipliers, dilation, unfoldable BatchNorm, activation, merge, pooling, padding and normalization layers.
/// </summary>
[TestClass]
public sealed class LayerConverterTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("layer-converter");

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

    private static readonly Dictionary<string, (string Class, JsonObject Config, Func<double, double> F)> ActivationCases = new()
    {
        ["ReLU max_value 2.5"] = ("ReLU", Cfg(("max_value", 2.5)), v => Math.Clamp(v, 0, 2.5)),
        ["ReLU max_value 6"] = ("ReLU", Cfg(("max_value", 6.0)), v => Math.Clamp(v, 0, 6)),
        ["ReLU negative_slope 0.1"] = ("ReLU", Cfg(("negative_slope", 0.1)), v => v < 0 ? 0.1 * v : v),
        ["ReLU negative_slope 0.1, max_value 2"] = ("ReLU", Cfg(("negative_slope", 0.1), ("max_value", 2.0)), v => v < 0 ? 0.1 * v : Math.Min(v, 2)),
        ["Rescaling 1/127.5 - 1"] = ("Rescaling", Cfg(("scale", 1 / 127.5), ("offset", -1.0)), v => v / 127.5 - 1),
        ["LeakyReLU alpha 0.3"] = ("LeakyReLU", Cfg(("alpha", 0.3)), v => v < 0 ? 0.3 * v : v),
        ["Activation sigmoid"] = ("Activation", Cfg(("activation", "sigmoid")), v => 1 / (1 + Math.Exp(-v))),
        ["Activation tanh"] = ("Activation", Cfg(("activation", "tanh")), Math.Tanh),
        ["Activation swish"] = ("Activation", Cfg(("activation", "swish")), v => v / (1 + Math.Exp(-v))),
        ["Activation hard_swish"] = ("Activation", Cfg(("activation", "hard_swish")), v => v * Math.Clamp(v + 3, 0, 6) / 6),
        ["Activation relu6"] = ("Activation", Cfg(("activation", "relu6")), v => Math.Clamp(v, 0, 6)),
        ["Activation linear"] = ("Activation", Cfg(("activation", "linear")), v => v),
    };

    public static IEnumerable<object[]> ActivationCaseNames => ActivationCases.Keys.Select(k => new object[] { k });

    [TestMethod]
    [DynamicData(nameof(ActivationCaseNames))]
    public void Activation_layer_computes_its_function(string name)
    {
        var (cls, cfg, f) = ActivationCases[name];
        var x = new float[] { -4, -1, 0, 0.5f, 3, 8 };
        // act(x) + x: the Add keeps an activation that would otherwise be the model's only op.
        var path = new KerasTestModel()
            .Input("x", 6)
            .Layer(cls, "act", cfg.DeepClone().AsObject(), "x")
            .Layer("Add", "out", Cfg(), ["act", "x"])
            .Write(PathOf("act_" + Guid.NewGuid().ToString("N")), "out");
        var g = KerasModelReader.Read(path);
        AssertClose(x.Select(v => (float)(f(v) + v)).ToArray(), Run(g, x), name);
    }

    [TestMethod]
    public void GlobalMaxPooling2D_is_a_reduce_max_over_height_and_width()
    {
        var path = new KerasTestModel()
            .Input("x", 2, 2, 3)
            .Layer("GlobalMaxPooling2D", "gmp", Cfg(), "x")
            .Write(PathOf("gmp"), "gmp");
        var g = KerasModelReader.Read(path);
        Assert.AreEqual("ReduceMax", string.Join(" ", g.Nodes.Select(n => n.Op)));
        Assert.AreEqual("1x3", string.Join("x", g.Outputs[0].Shape));
        // x = 0..11 in HWC order: channel c holds c, c+3, c+6, c+9.
        AssertClose([9, 10, 11], Run(g, Enumerable.Range(0, 12).Select(i => (float)i).ToArray()), "global max pooling");
    }

    [TestMethod]
    public void Softmax_layer_normalizes_the_exponentials()
    {
        var path = new KerasTestModel()
            .Input("x", 3)
            .Layer("Softmax", "sm", Cfg(("axis", -1)), "x")
            .Write(PathOf("softmax"), "sm");
        var g = KerasModelReader.Read(path);
        Assert.AreEqual("Softmax", string.Join(" ", g.Nodes.Select(n => n.Op)));
        var e = new[] { 9.0, 10, 11 }.Select(Math.Exp).ToArray();
        AssertClose(e.Select(v => (float)(v / e.Sum())).ToArray(), Run(g, [9, 10, 11]), "softmax");
    }

    [TestMethod]
    public void ZeroPadding_then_valid_stride_2_conv_stays_pad_plus_valid()
    {
        var path = new KerasTestModel()
            .Input("x", 4, 4, 1)
            .Layer("ZeroPadding2D", "pad", Cfg(("padding", new JsonArray(new JsonArray(0, 1), new JsonArray(0, 1)))), "x")
            .Layer("Conv2D", "conv", Cfg(("filters", 1), ("kernel_size", new JsonArray(3, 3)), ("strides", new JsonArray(2, 2)), ("padding", "valid"), ("use_bias", false)), "pad")
            .Weight("conv", "kernel", [3, 3, 1, 1], Enumerable.Repeat(1f, 9).ToArray())
            .Write(PathOf("pad_conv"), "conv");
        var g = KerasModelReader.Read(path);
        Assert.AreEqual("Pad Conv2D", string.Join(" ", g.Nodes.Select(n => n.Op)));
        Assert.AreEqual(Padding.Valid, g.Nodes[1].OptionsAs<Conv2DOptions>().Padding);
        Assert.AreEqual("1x5x5x1", string.Join("x", g.Nodes[0].Outputs[0].Shape));
        // All-ones input: windows at (0,0),(0,2),(2,0),(2,2) of the padded 5x5; the last row/column are zeros.
        AssertClose([9, 6, 6, 4], Run(g, Enumerable.Repeat(1f, 16).ToArray()), "pad + valid conv");
    }

    [TestMethod]
    [DataRow("Maximum", new float[] { 4, 5, -3 }, DisplayName = "Maximum")]
    [DataRow("Minimum", new float[] { 1, 2, -3 }, DisplayName = "Minimum")]
    [DataRow("Average", new float[] { 2.5f, 3.5f, -3 }, DisplayName = "Average")]
    public void Merge_layer_of_two_inputs_computes_elementwise(string className, float[] expected)
    {
        var path = new KerasTestModel()
            .Input("a", 3).Input("b", 3)
            .Layer(className, "merge", Cfg(), ["a", "b"])
            .Write(PathOf("merge_" + className), "merge");
        var g = KerasModelReader.Read(path);
        Assert.AreEqual("merge", g.Outputs[0].Name);
        AssertClose(expected, Run(g, [1, 5, -3], [4, 2, -3]), className);
    }

    [TestMethod]
    public void Average_of_three_inputs_divides_by_three()
    {
        var path = new KerasTestModel()
            .Input("a", 3).Input("b", 3).Input("c", 3)
            .Layer("Average", "avg", Cfg(), ["a", "b", "c"])
            .Write(PathOf("average3"), "avg");
        var g = KerasModelReader.Read(path);
        AssertClose([(1 + 4 + 1) / 3f, (5 + 2 + 5) / 3f, -3], Run(g, [1, 5, -3], [4, 2, -3], [1, 5, -3]), "average of three");
    }

    [TestMethod]
    public void Per_channel_rescaling_and_normalization_from_weights_and_config()
    {
        var path = new KerasTestModel()
            .Input("x", 1, 1, 3)
            .Layer("Rescaling", "rescale", Cfg(("scale", new JsonArray(1.0, 2.0, 4.0)), ("offset", 0.0)), "x")
            .Layer("Normalization", "norm", Cfg(("axis", -1)), "rescale")
            .Layer("Normalization", "norm_cfg", Cfg(("axis", -1), ("mean", new JsonArray(1.0, 0.0, 0.0)), ("variance", new JsonArray(1.0, 1.0, 4.0))), "norm")
            .Weight("norm", "mean", [1, 1, 1, 3], [1, 2, 3])
            .Weight("norm", "variance", [1, 1, 1, 3], [4, 1, 0.25f])
            .Weight("norm", "count", [], [10])
            .Write(PathOf("normalization"), "norm_cfg");
        var g = KerasModelReader.Read(path);
        // x = (3, 3, 3) → rescale (3, 6, 12) → norm ((3-1)/2, (6-2)/1, (12-3)/0.5) = (1, 4, 18) → norm_cfg (0, 4, 9).
        AssertClose([0, 4, 9], Run(g, [3, 3, 3]), "rescaling + normalization");
    }

    [TestMethod]
    public void Relu_with_threshold_is_rejected()
    {
        var path = new KerasTestModel()
            .Input("x", 4)
            .Layer("ReLU", "thr", Cfg(("threshold", 0.5)), "x")
            .Write(PathOf("threshold"), "thr");
        var e = Assert.ThrowsExactly<Diagnostics.ModelBuildException>(() => KerasModelReader.Read(path));
        Assert.AreEqual("MB1003", e.Code);
        StringAssert.Contains(e.Message, "'thr' (ReLU) with a non-zero threshold");
    }
}
