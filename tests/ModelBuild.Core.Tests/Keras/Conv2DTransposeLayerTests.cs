using System.Text.Json.Nodes;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.Keras.KerasTestModel;

namespace ModelBuild.Core.Tests.Keras;

/// <summary>keras.layers.Conv2DTranspose read from tiny written models: output sizes, the kernel's [kh, kw, out, in] order, the options refused.</summary>
[TestClass]
public sealed class Conv2DTransposeLayerTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("conv2d-transpose");

    private static KerasTestModel Transpose(int size, int filters, int kernel, int stride, string padding, params (string Key, JsonNode? Value)[] more) =>
        new KerasTestModel()
            .Input("x", size, size, 1)
            .Layer("Conv2DTranspose", "up", Cfg([("filters", filters), ("kernel_size", new JsonArray(kernel, kernel)), ("strides", new JsonArray(stride, stride)),
                ("padding", padding), ("use_bias", false), .. more]), "x");

    [TestMethod]
    public void Each_output_pixel_and_channel_takes_its_own_kernel_tap()
    {
        // 1×1 input, 2×2 kernel, stride 2, two output channels: Keras' kernel[y, x, o, 0] = 10·o + 2·y + x + 1.
        var kernel = new float[8];
        for (int y = 0; y < 2; y++)
            for (int x = 0; x < 2; x++)
                for (int o = 0; o < 2; o++) kernel[(y * 2 + x) * 2 + o] = 10 * o + 2 * y + x + 1;
        var path = Transpose(1, 2, 2, 2, "valid").Weight("up", "kernel", [2, 2, 2, 1], kernel).Write(Path.Combine(_dir, "taps.h5"), "up");
        var g = KerasModelReader.Read(path);

        CollectionAssert.AreEqual(new[] { 1, 2, 2, 2 }, g.Outputs[0].Shape);
        AssertClose([3, 33, 6, 36, 9, 39, 12, 42], Run(g, [3]), "x · kernel, pixel by pixel, channel by channel");
    }

    [TestMethod]
    [DataRow("same", 3, 2, 4)]
    [DataRow("valid", 3, 2, 5)]
    [DataRow("valid", 2, 3, 6)]
    public void Output_size_follows_keras_deconv_output_length(string padding, int kernel, int stride, int size)
    {
        var path = Transpose(2, 1, kernel, stride, padding).Weight("up", "kernel", kernel, kernel, 1, 1).Write(Path.Combine(_dir, $"size_{padding}_{kernel}_{stride}.h5"), "up");
        var g = KerasModelReader.Read(path);

        Assert.AreEqual(OpType.TransposeConv, g.Nodes.Single().Op);
        CollectionAssert.AreEqual(new[] { 1, size, size, 1 }, g.Outputs[0].Shape);
    }

    [TestMethod]
    public void Activation_becomes_its_own_op_after_the_transpose_conv()
    {
        var path = Transpose(1, 1, 1, 1, "valid", ("activation", "relu")).Weight("up", "kernel", [1, 1, 1, 1], [-1]).Write(Path.Combine(_dir, "relu.h5"), "up");
        var g = KerasModelReader.ReadUnoptimized(path);

        CollectionAssert.AreEqual(new[] { OpType.TransposeConv, OpType.Relu }, g.Nodes.Select(n => n.Op).ToArray());
        AssertClose([0], Run(g, [5]), "relu(-5)");
    }

    [TestMethod]
    [DataRow("dilation_rate", "with dilation_rate (2, 2)")]
    [DataRow("output_padding", "with output_padding")]
    public void Option_tflite_cannot_express_is_mb1003(string option, string says)
    {
        var value = new JsonArray(option == "dilation_rate" ? 2 : 1, option == "dilation_rate" ? 2 : 1);
        var path = Transpose(2, 1, 3, 2, "valid", (option, value)).Weight("up", "kernel", 3, 3, 1, 1).Write(Path.Combine(_dir, option + ".h5"), "up");
        var e = Assert.ThrowsExactly<ModelBuildException>(() => KerasModelReader.Read(path));
        Assert.AreEqual("MB1003", e.Code);
        StringAssert.Contains(e.Message, says);
    }
}
