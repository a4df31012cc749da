using System.Text.Json.Nodes;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.Keras.KerasTestModel;

namespace ModelBuild.Core.Tests.Keras;

/// <summary>keras.layers.Normalization (from its weights or its config) and the per-channel constant lists of Rescaling, in tiny written models.</summary>
[TestClass]
public sealed class NormalizationLayerTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("normalization-layer");

    private static string PathOf(string name) => Path.Combine(_dir, name + ".h5");

    /// <summary>Input 1×1×3 → Normalization with <paramref name="config"/>.</summary>
    private static KerasTestModel Normalization(JsonObject config) => new KerasTestModel()
        .Input("x", 1, 1, 3)
        .Layer("Normalization", "norm", config, "x");

    [TestMethod]
    public void From_its_weights_it_subtracts_the_mean_and_divides_by_the_standard_deviation()
    {
        var path = Normalization(Cfg(("axis", -1)))
            .Weight("norm", "mean", [3], [1, 2, 3])
            .Weight("norm", "variance", [3], [4, 1, 0.25f])
            .Weight("norm", "count", [], [10])
            .Write(PathOf("from_weights"), "norm");
        AssertClose([1, 4, 18], Run(KerasModelReader.Read(path), [3, 6, 12]), "((3-1)/2, (6-2)/1, (12-3)/0.5)");
    }

    [TestMethod]
    public void From_its_config_it_uses_the_listed_mean_and_variance_without_weights()
    {
        var path = Normalization(Cfg(("axis", -1), ("mean", new JsonArray(1.0, 0.0, 0.0)), ("variance", new JsonArray(1.0, 1.0, 4.0))))
            .Write(PathOf("from_config"), "norm");
        AssertClose([0, 4, 9], Run(KerasModelReader.Read(path), [1, 4, 18]), "((1-1)/1, 4/1, 18/2)");
    }

    [TestMethod]
    public void Zero_variance_divides_by_1e_minus_7_not_by_zero()
    {
        var path = Normalization(Cfg(("axis", -1), ("mean", 0.0), ("variance", 0.0))).Write(PathOf("zero_variance"), "norm");
        var y = Run(KerasModelReader.Read(path), [1e-7f, 0, -2e-7f]);
        AssertClose([1, 0, -2], y, "x / 1e-7");
    }

    [TestMethod]
    public void Invert_is_mb1003()
    {
        var path = Normalization(Cfg(("axis", -1), ("mean", 0.0), ("variance", 1.0), ("invert", true))).Write(PathOf("invert"), "norm");
        var e = Assert.ThrowsExactly<ModelBuildException>(() => KerasModelReader.Read(path));
        Assert.AreEqual("MB1003", e.Code);
        StringAssert.Contains(e.Message, "'norm' (Normalization) with invert=True");
    }

    [TestMethod]
    public void Over_another_axis_than_the_channels_is_mb1003()
    {
        var path = Normalization(Cfg(("axis", 1), ("mean", 0.0), ("variance", 1.0))).Write(PathOf("axis"), "norm");
        var e = Assert.ThrowsExactly<ModelBuildException>(() => KerasModelReader.Read(path));
        Assert.AreEqual("MB1003", e.Code);
        StringAssert.Contains(e.Message, "over an axis other than the channels");
    }

    [TestMethod]
    public void Rescaling_with_a_per_channel_scale_list_scales_each_channel()
    {
        var path = new KerasTestModel()
            .Input("x", 1, 1, 3)
            .Layer("Rescaling", "rescale", Cfg(("scale", new JsonArray(1.0, 2.0, 4.0)), ("offset", 0.0)), "x")
            .Write(PathOf("rescaling_list"), "rescale");
        AssertClose([3, 6, 12], Run(KerasModelReader.Read(path), [3, 3, 3]), "x · (1, 2, 4)");
    }

    [TestMethod]
    public void Constant_list_of_another_length_than_the_channels_is_mb1003()
    {
        var path = Normalization(Cfg(("axis", -1), ("mean", new JsonArray(1.0, 2.0)), ("variance", 1.0))).Write(PathOf("bad_list"), "norm");
        var e = Assert.ThrowsExactly<ModelBuildException>(() => KerasModelReader.Read(path));
        Assert.AreEqual("MB1003", e.Code);
        StringAssert.Contains(e.Message, "with a 'mean' of 2 values for 3 channels");
    }
}
