using System.Text.Json.Nodes;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.Keras.KerasTestModel;

namespace ModelBuild.Core.Tests.Keras;

/// <summary>
/// Layers and config forms the ten real models do not exercise, in tiny written models whose outputs are worked
/// out by hand: shared layers, the Keras 3 functional format, depth multipliers, dilation, unfoldable BatchNorm,
/// activation layers.
/// </summary>
[TestClass]
public sealed class KerasLayerTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("keras-layers");

    private static string PathOf(string name) => Path.Combine(_dir, name + ".h5");

    private static float[] Run(ModelGraph g, params float[][] inputs)
    {
        var feed = g.Inputs.Select((t, i) => (t, inputs[i])).ToDictionary(p => p.t, p => p.Item2);
        return new FloatExecutor(g).Run(feed)[g.Outputs[0]];
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.HasCount(expected.Length, actual, what);
        for (int i = 0; i < expected.Length; i++)
            Assert.AreEqual(expected[i], actual[i], 1e-5f, $"{what}: element {i}");
    }

    [TestMethod]
    public void Shared_dense_layer_is_applied_twice_with_the_same_weights()
    {
        // d(a) - d(b) with d = Dense(2): kernel [in,out] = [[1,2],[3,4]], bias [0.5,-0.5].
        var path = new KerasTestModel()
            .Input("a", 2).Input("b", 2)
            .Layer("Dense", "shared", Cfg(("units", 2), ("activation", "linear")), ["a"], ["b"])
            .Layer("Subtract", "diff", Cfg(), ["shared@0", "shared@1"])
            .Weight("shared", "kernel", [2, 2], [1, 2, 3, 4])
            .Weight("shared", "bias", [2], [0.5f, -0.5f])
            .Write(PathOf("shared"), "diff");
        var g = KerasModelReader.Read(path);

        var dense = g.Nodes.Where(n => n.Op == OpType.FullyConnected).ToList();
        Assert.HasCount(2, dense);
        CollectionAssert.AreEqual(dense[0].Inputs[1]!.FloatData, dense[1].Inputs[1]!.FloatData);
        Assert.AreEqual("diff", g.Outputs[0].Name);
        // a = (1, 0), b = (0, 1): d(a) - d(b) = (1, 2) - (3, 4) = (-2, -2).
        AssertClose([-2, -2], Run(g, [1, 0], [0, 1]), "shared dense");
        // a = (2, 1), b = (1, 1): W^T (a - b) = (1, 2).
        AssertClose([1, 2], Run(g, [2, 1], [1, 1]), "shared dense");
    }

    [TestMethod]
    public void Keras3_functional_config_with_dict_inbound_nodes_reads()
    {
        static string Tensor(string layer) =>
            "{\"class_name\": \"__keras_tensor__\", \"config\": {\"shape\": [null, 3], \"dtype\": \"float32\", \"keras_history\": [\"" + layer + "\", 0, 0]}}";
        const string policy = """{"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": null}""";
        var config = $$$"""
            {"module": "keras", "class_name": "Functional", "config": {"name": "functional", "trainable": true, "layers": [
              {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 3], "dtype": "float32", "sparse": false, "name": "input_layer"}, "registered_name": null, "name": "input_layer", "inbound_nodes": []},
              {"module": "keras.layers", "class_name": "LeakyReLU", "config": {"name": "leaky", "trainable": true, "dtype": {{{policy}}}, "negative_slope": 0.25}, "registered_name": null, "build_config": {"input_shape": [null, 3]}, "name": "leaky", "inbound_nodes": [{"args": [{{{Tensor("input_layer")}}}], "kwargs": {}}]},
              {"module": "keras.layers", "class_name": "Dense", "config": {"name": "dense", "trainable": true, "dtype": {{{policy}}}, "units": 3, "activation": "linear", "use_bias": false}, "registered_name": null, "build_config": {"input_shape": [null, 3]}, "name": "dense", "inbound_nodes": [{"args": [{{{Tensor("leaky")}}}], "kwargs": {}}]},
              {"module": "keras.layers", "class_name": "Multiply", "config": {"name": "multiply", "trainable": true, "dtype": {{{policy}}}}, "registered_name": null, "build_config": {"input_shape": [[null, 3], [null, 3]]}, "name": "multiply", "inbound_nodes": [{"args": [[{{{Tensor("dense")}}}, {{{Tensor("input_layer")}}}]], "kwargs": {}}]}
            ], "input_layers": ["input_layer", 0, 0], "output_layers": ["multiply", 0, 0]}, "registered_name": "Functional"}
            """;
        // Identity kernel, Keras 3 weight naming (no ":0", model-name prefix).
        var path = WriteFile(PathOf("keras3"), config, [("dense", "functional/dense/kernel", [1, 0, 0, 0, 1, 0, 0, 0, 1], [3, 3])]);
        var g = KerasModelReader.Read(path);

        Assert.AreEqual("input_layer", g.Inputs[0].Name);
        Assert.AreEqual("multiply", g.Outputs[0].Name);
        // x * leaky(x): (2, -2, 0.5) → (4, 1, 0.25).
        AssertClose([4, 1, 0.25f], Run(g, [2, -2, 0.5f]), "keras 3 functional");
    }

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
    public void Relu_after_add_is_fused_and_keeps_the_activation_layer_name()
    {
        var path = new KerasTestModel()
            .Input("a", 4).Input("b", 4)
            .Layer("Add", "conv4_block4_add", Cfg(), ["a", "b"])
            .Layer("Activation", "conv4_block4_out", Cfg(("activation", "relu")), "conv4_block4_add")
            .Write(PathOf("fused_add"), "conv4_block4_out");
        var g = KerasModelReader.Read(path);

        Assert.HasCount(1, g.Nodes);
        Assert.AreEqual(OpType.Add, g.Nodes[0].Op);
        Assert.AreEqual(FusedActivation.Relu, g.Nodes[0].OptionsAs<ElementwiseOptions>().Activation);
        Assert.AreEqual("conv4_block4_out", g.Outputs[0].Name);
        AssertClose([0, 0, 1, 3], Run(g, [-1, 0, 1, 2], [-1, -2, 0, 1]), "fused add+relu");
    }

    [TestMethod]
    public void Relu_whose_input_is_also_read_elsewhere_is_not_fused()
    {
        var path = new KerasTestModel()
            .Input("a", 2).Input("b", 2)
            .Layer("Add", "sum", Cfg(), ["a", "b"])
            .Layer("ReLU", "relu", Cfg(), "sum")
            .Layer("Multiply", "out", Cfg(), ["relu", "sum"])
            .Write(PathOf("unfusable"), "out");
        var g = KerasModelReader.Read(path);
        Assert.AreEqual("Add Relu Mul", string.Join(" ", g.Nodes.Select(n => n.Op)));
        AssertClose([0, 4], Run(g, [-1, 1], [0, 1]), "relu(s) * s");
    }

    [TestMethod]
    public void Activation_layers_compute_their_functions()
    {
        var x = new float[] { -4, -1, 0, 0.5f, 3, 8 };
        var cases = new (string Class, JsonObject Config, Func<double, double> F)[]
        {
            ("ReLU", Cfg(("max_value", 2.5)), v => Math.Clamp(v, 0, 2.5)),
            ("ReLU", Cfg(("max_value", 6.0)), v => Math.Clamp(v, 0, 6)),
            ("ReLU", Cfg(("negative_slope", 0.1)), v => v < 0 ? 0.1 * v : v),
            ("ReLU", Cfg(("negative_slope", 0.1), ("max_value", 2.0)), v => v < 0 ? 0.1 * v : Math.Min(v, 2)),
            ("Rescaling", Cfg(("scale", 1 / 127.5), ("offset", -1.0)), v => v / 127.5 - 1),
            ("LeakyReLU", Cfg(("alpha", 0.3)), v => v < 0 ? 0.3 * v : v),
            ("Activation", Cfg(("activation", "sigmoid")), v => 1 / (1 + Math.Exp(-v))),
            ("Activation", Cfg(("activation", "tanh")), Math.Tanh),
            ("Activation", Cfg(("activation", "swish")), v => v / (1 + Math.Exp(-v))),
            ("Activation", Cfg(("activation", "hard_swish")), v => v * Math.Clamp(v + 3, 0, 6) / 6),
            ("Activation", Cfg(("activation", "relu6")), v => Math.Clamp(v, 0, 6)),
            ("Activation", Cfg(("activation", "linear")), v => v),
        };
        foreach (var (cls, cfg, f) in cases)
        {
            var label = $"{cls} {cfg.ToJsonString()}";
            var path = new KerasTestModel()
                .Input("x", 6)
                .Layer(cls, "act", cfg, "x")
                .Layer("Add", "out", Cfg(), ["act", "x"])
                .Write(PathOf("act_" + Guid.NewGuid().ToString("N")), "out");
            var g = KerasModelReader.Read(path);
            AssertClose(x.Select(v => (float)(f(v) + v)).ToArray(), Run(g, x), label);
        }
    }

    [TestMethod]
    public void Global_max_pooling_and_softmax()
    {
        var path = new KerasTestModel()
            .Input("x", 2, 2, 3)
            .Layer("GlobalMaxPooling2D", "gmp", Cfg(), "x")
            .Layer("Softmax", "sm", Cfg(("axis", -1)), "gmp")
            .Write(PathOf("gmp"), "sm");
        var g = KerasModelReader.Read(path);
        Assert.AreEqual("ReduceMax Softmax", string.Join(" ", g.Nodes.Select(n => n.Op)));
        Assert.AreEqual("1x3", string.Join("x", g.Outputs[0].Shape));
        // Channel maxima (9, 10, 11) → softmax.
        var x = Enumerable.Range(0, 12).Select(i => (float)i).ToArray();
        var e = new[] { 9.0, 10, 11 }.Select(Math.Exp).ToArray();
        AssertClose(e.Select(v => (float)(v / e.Sum())).ToArray(), Run(g, x), "global max + softmax");
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
    public void Maximum_minimum_and_average_merge_layers()
    {
        var path = new KerasTestModel()
            .Input("a", 3).Input("b", 3)
            .Layer("Maximum", "max", Cfg(), ["a", "b"])
            .Layer("Minimum", "min", Cfg(), ["a", "b"])
            .Layer("Average", "avg", Cfg(), ["max", "min", "a"])
            .Write(PathOf("merge"), "avg");
        var g = KerasModelReader.Read(path);
        Assert.AreEqual("avg", g.Outputs[0].Name);
        // (max + min + a) / 3 = (a + b + a) / 3.
        AssertClose([(1 + 4 + 1) / 3f, (5 + 2 + 5) / 3f, -3], Run(g, [1, 5, -3], [4, 2, -3]), "max/min/average");
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
    public void Model_config_stored_as_bytes_reads()
    {
        var model = new KerasTestModel().Input("x", 2).Layer("ReLU", "relu", Cfg(), "x");
        var path = PathOf("bytes_config");
        var file = new PureHDF.H5File { Attributes = { ["model_config"] = System.Text.Encoding.UTF8.GetBytes(model.Config("relu").ToJsonString()) } };
        file["model_weights"] = new PureHDF.H5Group();
        file.Write(path);
        var g = KerasModelReader.Read(path);
        AssertClose([0, 2], Run(g, [-1, 2]), "relu");
    }

    [TestMethod]
    public void Keras3_sequential_without_input_layer_takes_its_shape_from_build_config()
    {
        const string config = """
            {"module": "keras", "class_name": "Sequential", "config": {"name": "sequential", "trainable": true, "layers": [
              {"module": "keras.layers", "class_name": "Dense", "config": {"name": "dense", "units": 2, "activation": "relu", "use_bias": true}, "registered_name": null, "build_config": {"input_shape": [null, 3]}}
            ]}, "registered_name": null, "build_config": {"input_shape": [null, 3]}}
            """;
        var path = WriteFile(PathOf("keras3_sequential"), config,
            [("dense", "sequential/dense/kernel", [1, 0, 0, 1, 1, -1], [3, 2]), ("dense", "sequential/dense/bias", [0, 1], [2])]);
        var g = KerasModelReader.Read(path);
        Assert.AreEqual("1x3", string.Join("x", g.Inputs[0].Shape));
        Assert.AreEqual("dense", g.Outputs[0].Name);
        Assert.HasCount(1, g.Nodes);
        // relu(x · K + b) with x = (1, 2, 3): (1 + 3, 2 - 3 + 1) = (4, 0).
        AssertClose([4, 0], Run(g, [1, 2, 3]), "keras 3 sequential");
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
