using System.Text.Json.Nodes;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.Keras.KerasTestModel;

namespace ModelBuild.Core.Tests.Keras;

/// <summary>
/// Layers and config forms the ten real models do not exercise, in tiny written models whose outputs are worked
/// out by hand: activation, merge, pooling and padding layers (weighted layers: WeightedLayersTests; Normalization: NormalizationLayerTests).
/// </summary>
[TestClass]
public sealed class LayerConverterTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("layer-converter");

    private static string PathOf(string name) => Path.Combine(_dir, name + ".h5");

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
