using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.EdgeTpu;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.Tests.Keras;
using ModelBuild.Core.TfLite;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.Keras.KerasTestModel;
using static ModelBuild.Core.Tests.Operators.OneOpOracle;

namespace ModelBuild.Core.Tests.Operators;

/// <summary>RESIZE_BILINEAR: keras.layers.Resizing (bilinear) that becomes it; the kernels against TFLite 2.9 in Execution/Float/ResizeBilinearKernelTests and Execution/Int8/Int8ResizeBilinearKernelTests.</summary>
[TestClass]
public sealed class ResizeBilinearDefinitionTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("resize-bilinear");

    internal static ModelGraph OneResize(int[] inShape, int oh, int ow, ResizeOptions options)
    {
        var x = new Tensor("x", inShape);
        var size = new Tensor("size", [2], DataType.Int32, new[] { oh, ow });
        return OneNode("resize", OpType.ResizeBilinear, [x], [x, size], options);
    }

    public static IEnumerable<object[]> Cases =>
    [
        [new[] { 1, 4, 5, 3 }, 8, 10, true, false],
        [new[] { 1, 7, 6, 8 }, 3, 4, true, false],
        [new[] { 1, 5, 5, 2 }, 7, 9, true, false],
        [new[] { 1, 4, 4, 3 }, 6, 5, false, false],
        [new[] { 1, 3, 4, 2 }, 5, 7, false, true],
        [new[] { 1, 3, 4, 5 }, 6, 8, false, false],
    ];

    [TestMethod]
    public void Keras_resizing_bilinear_to_another_size_is_one_half_pixel_resize_bilinear_the_edge_tpu_maps()
    {
        var path = new KerasTestModel()
            .Input("x", 6, 8, 3)
            .Layer("Resizing", "resize", Cfg(("height", 9), ("width", 12), ("interpolation", "bilinear"), ("crop_to_aspect_ratio", false)), "x")
            .Write(Path.Combine(_dir, "resizing.h5"), "resize");
        var g = KerasModelReader.Read(path);
        Assert.AreEqual("ResizeBilinear", string.Join(" ", g.Nodes.Select(n => n.Op)));
        Assert.AreEqual(new ResizeOptions(HalfPixelCenters: true), g.Nodes[0].Options);
        CollectionAssert.AreEqual(new[] { 1, 9, 12, 3 }, g.Outputs[0].Shape);
        var int8 = Quantizer.Quantize(g, Calibrate(g, 3));
        Assert.IsTrue(EdgeTpuStaticCheck.Check(int8).FullyMapped);
        Assert.AreEqual(new ResizeOptions(HalfPixelCenters: true), TfLiteReader.Read(TfLiteWriter.Write(int8)).Nodes[0].Options, "options read back");
    }

    [TestMethod]
    public void Keras_resizing_to_its_own_size_is_an_identity_even_with_crop_to_aspect_ratio()
    {
        var path = new KerasTestModel()
            .Input("x", 6, 8, 3)
            .Layer("Resizing", "resize", Cfg(("height", 6), ("width", 8), ("crop_to_aspect_ratio", true)), "x")
            .Layer("ReLU", "relu", Cfg(), "resize")
            .Write(Path.Combine(_dir, "resizing_same.h5"), "relu");
        Assert.AreEqual("Relu", string.Join(" ", KerasModelReader.Read(path).Nodes.Select(n => n.Op)));
    }

    [TestMethod]
    [DataRow("crop_to_aspect_ratio", "bilinear", 5, 5, "with crop_to_aspect_ratio from 6×8 to 5×5")]
    [DataRow("pad_to_aspect_ratio", "bilinear", 5, 5, "with pad_to_aspect_ratio from 6×8 to 5×5")]
    [DataRow("antialias", "bilinear", 3, 4, "with antialias when shrinking 6×8 to 3×4")]
    [DataRow("none", "bicubic", 12, 16, "with interpolation 'bicubic'")]
    public void Keras_resizing_variants_tflite_cannot_express_are_mb1003(string flag, string interpolation, int h, int w, string what)
    {
        var cfg = Cfg(("height", h), ("width", w), ("interpolation", interpolation));
        if (flag != "none") cfg[flag] = true;
        var path = new KerasTestModel().Input("x", 6, 8, 3).Layer("Resizing", "resize", cfg, "x").Write(Path.Combine(_dir, $"resizing_{flag}.h5"), "resize");
        var e = Assert.ThrowsExactly<ModelBuildException>(() => KerasModelReader.Read(path));
        Assert.AreEqual("MB1003", e.Code);
        StringAssert.Contains(e.Message, $"layer 'resize' (Resizing) {what}");
        StringAssert.EndsWith(e.File, $"resizing_{flag}.h5");
    }

    [TestMethod]
    public void Crop_to_aspect_ratio_with_the_same_aspect_ratio_is_a_plain_resize()
    {
        var path = new KerasTestModel()
            .Input("x", 6, 8, 3)
            .Layer("Resizing", "resize", Cfg(("height", 3), ("width", 4), ("crop_to_aspect_ratio", true)), "x")
            .Write(Path.Combine(_dir, "resizing_same_ratio.h5"), "resize");
        Assert.AreEqual("ResizeBilinear", string.Join(" ", KerasModelReader.Read(path).Nodes.Select(n => n.Op)));
    }
}
