using System.Text.Json.Nodes;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.Keras.KerasTestModel;

namespace ModelBuild.Core.Tests.Keras;

/// <summary>
/// Rescaling folds into the convolution or dense layer it feeds exactly where that computes the same thing: a scale
/// always, an offset only where no zero padding meets it; elsewhere its ops stay. The float output never changes.
/// </summary>
[TestClass]
public sealed class RescalingFoldingTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("rescaling-folding");

    private static JsonObject Rescale(JsonNode scale, JsonNode offset) => Cfg(("scale", scale), ("offset", offset));

    private static JsonObject Conv(string padding) =>
        Cfg(("filters", 4), ("kernel_size", new JsonArray(3, 3)), ("strides", new JsonArray(1, 1)), ("padding", padding), ("activation", "linear"), ("use_bias", true));

    /// <summary>Reads the model both ways, checks the outputs agree and returns the ops of the folded graph.</summary>
    private static List<OpType> FoldedOps(string path, int inputSize)
    {
        var raw = KerasModelReader.ReadUnoptimized(path);
        var folded = KerasModelReader.Read(path);
        var input = Enumerable.Range(0, inputSize).Select(i => (float)(i * 37 % 256)).ToArray();
        var expected = new FloatExecutor(raw).Run(input);
        var tolerance = 1e-5 * Math.Max(1, expected.Max(Math.Abs));
        FloatOutputAssert.Close(expected, new FloatExecutor(folded).Run(input), tolerance, Path.GetFileName(path));
        return folded.Nodes.Select(n => n.Op).ToList();
    }

    [TestMethod]
    public void Scale_and_offset_fold_into_a_valid_convolution()
    {
        var path = new KerasTestModel().Input("x", 6, 6, 3)
            .Layer("Rescaling", "rescaling", Rescale(1 / 127.5, -1.0), "x")
            .Layer("Conv2D", "conv", Conv("valid"), "rescaling")
            .Weight("conv", "kernel", 3, 3, 3, 4).Weight("conv", "bias", 4)
            .Write(Path.Combine(_dir, "valid.h5"), "conv");

        CollectionAssert.AreEqual(new[] { OpType.Conv2D }, FoldedOps(path, 6 * 6 * 3));
    }

    [TestMethod]
    public void An_offset_stays_before_a_same_padded_convolution()
    {
        // The zero padding would be offset too if it were folded into the bias.
        var path = new KerasTestModel().Input("x", 6, 6, 3)
            .Layer("Rescaling", "rescaling", Rescale(1 / 127.5, -1.0), "x")
            .Layer("Conv2D", "conv", Conv("same"), "rescaling")
            .Weight("conv", "kernel", 3, 3, 3, 4).Weight("conv", "bias", 4)
            .Write(Path.Combine(_dir, "same.h5"), "conv");

        CollectionAssert.AreEqual(new[] { OpType.Mul, OpType.Add, OpType.Conv2D }, FoldedOps(path, 6 * 6 * 3));
    }

    [TestMethod]
    public void A_per_channel_scale_folds_into_a_depthwise_convolution_with_a_multiplier()
    {
        var path = new KerasTestModel().Input("x", 5, 5, 3)
            .Layer("Rescaling", "rescaling", Rescale(new JsonArray(0.5, 2.0, -3.0), 0.0), "x")
            .Layer("DepthwiseConv2D", "dw", Cfg(("kernel_size", new JsonArray(3, 3)), ("strides", new JsonArray(1, 1)), ("padding", "same"),
                ("depth_multiplier", 2), ("activation", "linear"), ("use_bias", true)), "rescaling")
            .Weight("dw", "depthwise_kernel", 3, 3, 3, 2).Weight("dw", "bias", 6)
            .Write(Path.Combine(_dir, "depthwise.h5"), "dw");

        CollectionAssert.AreEqual(new[] { OpType.DepthwiseConv2D }, FoldedOps(path, 5 * 5 * 3));
    }

    [TestMethod]
    public void Per_feature_scale_and_offset_fold_into_a_dense_layer()
    {
        var path = new KerasTestModel().Input("x", 4)
            .Layer("Rescaling", "rescaling", Rescale(new JsonArray(1.0, 0.5, 0.25, 2.0), new JsonArray(1.0, -1.0, 0.0, 3.0)), "x")
            .Layer("Dense", "dense", Cfg(("units", 3), ("activation", "linear"), ("use_bias", true)), "rescaling")
            .Weight("dense", "kernel", 4, 3).Weight("dense", "bias", 3)
            .Write(Path.Combine(_dir, "dense.h5"), "dense");

        CollectionAssert.AreEqual(new[] { OpType.FullyConnected }, FoldedOps(path, 4));
    }

    [TestMethod]
    public void Normalization_after_Rescaling_folds_too()
    {
        var path = new KerasTestModel().Input("x", 6, 6, 3)
            .Layer("Rescaling", "rescaling", Rescale(1 / 255.0, 0.0), "x")
            .Layer("Normalization", "normalization", Cfg(("axis", -1), ("mean", new JsonArray(0.485, 0.456, 0.406)), ("variance", new JsonArray(0.052, 0.05, 0.051))), "rescaling")
            .Layer("Conv2D", "conv", Conv("valid"), "normalization")
            .Weight("conv", "kernel", 3, 3, 3, 4).Weight("conv", "bias", 4)
            .Write(Path.Combine(_dir, "normalization.h5"), "conv");

        CollectionAssert.AreEqual(new[] { OpType.Conv2D }, FoldedOps(path, 6 * 6 * 3));
    }

    [TestMethod]
    public void A_BatchNormalization_before_a_dense_layer_is_not_this_rewrites_business()
    {
        var path = new KerasTestModel().Input("x", 4)
            .Layer("BatchNormalization", "bn", Cfg(("axis", -1), ("epsilon", 0.001), ("center", true), ("scale", true)), "x")
            .Layer("Dense", "dense", Cfg(("units", 3), ("activation", "linear"), ("use_bias", true)), "bn")
            .Weight("bn", "gamma", 4).Weight("bn", "beta", 4).Weight("bn", "moving_mean", 4)
            .Weight("bn", "moving_variance", [4], [1, 2, 3, 4])
            .Weight("dense", "kernel", 4, 3).Weight("dense", "bias", 3)
            .Write(Path.Combine(_dir, "batchnorm.h5"), "dense");

        CollectionAssert.AreEqual(new[] { OpType.Mul, OpType.Add, OpType.FullyConnected }, FoldedOps(path, 4));
    }

    [TestMethod]
    public void A_rescaling_read_twice_is_not_folded()
    {
        var path = new KerasTestModel().Input("x", 6, 6, 3)
            .Layer("Rescaling", "rescaling", Rescale(1 / 255.0, 0.0), "x")
            .Layer("Conv2D", "a", Conv("same"), "rescaling")
            .Layer("Conv2D", "b", Conv("same"), "rescaling")
            .Layer("Add", "sum", Cfg(), ["a", "b"])
            .Weight("a", "kernel", 3, 3, 3, 4).Weight("a", "bias", 4)
            .Weight("b", "kernel", 3, 3, 3, 4).Weight("b", "bias", 4)
            .Write(Path.Combine(_dir, "shared.h5"), "sum");

        var ops = FoldedOps(path, 6 * 6 * 3);
        Assert.AreEqual(1, ops.Count(o => o == OpType.Mul), "one multiply feeds both convolutions");
    }
}
