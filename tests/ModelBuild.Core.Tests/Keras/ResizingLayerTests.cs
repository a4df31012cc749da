using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.Keras.KerasTestModel;

namespace ModelBuild.Core.Tests.Keras;

/// <summary>keras.layers.Resizing read from tiny written models: which resize, with half-pixel centers, or none; the options refused.</summary>
[TestClass]
public sealed class ResizingLayerTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("resizing-layer");

    /// <summary>A 4×6×1 input → Resizing with <paramref name="entries"/>.</summary>
    private static ModelGraph Read(string name, params (string Key, System.Text.Json.Nodes.JsonNode? Value)[] entries) =>
        KerasModelReader.Read(new KerasTestModel().Input("x", 4, 6, 1).Layer("Resizing", "resize", Cfg(entries), "x").Write(Path.Combine(_dir, name + ".h5"), "resize"));

    [TestMethod]
    [DataRow("bilinear", OpType.ResizeBilinear)]
    [DataRow("nearest", OpType.ResizeNearestNeighbor)]
    public void Interpolation_chooses_the_resize_with_half_pixel_centers(string interpolation, OpType op)
    {
        var g = Read("resize_" + interpolation, ("height", 8), ("width", 3), ("interpolation", interpolation));

        var node = g.Nodes.Single();
        Assert.AreEqual(op, node.Op);
        Assert.IsTrue(((ResizeOptions)node.Options!).HalfPixelCenters);
        CollectionAssert.AreEqual(new[] { 1, 8, 3, 1 }, g.Outputs[0].Shape);
    }

    [TestMethod]
    public void Nearest_upscale_by_two_repeats_each_pixel()
    {
        var g = Read("nearest_x2", ("height", 8), ("width", 12), ("interpolation", "nearest"));
        var y = Run(g, Enumerable.Range(0, 24).Select(i => (float)i).ToArray());

        CollectionAssert.AreEqual(new float[] { 0, 0, 1, 1, 2, 2 }, y.Take(6).ToArray());
    }

    [TestMethod]
    public void Target_size_of_the_image_is_no_op_at_all()
    {
        Assert.IsEmpty(Read("same_size", ("height", 4), ("width", 6)).Nodes);
    }

    [TestMethod]
    public void Crop_to_aspect_ratio_that_would_crop_is_mb1003()
    {
        var e = Assert.ThrowsExactly<ModelBuildException>(() => Read("crop_ratio", ("height", 4), ("width", 4), ("crop_to_aspect_ratio", true)));
        Assert.AreEqual("MB1003", e.Code);
        StringAssert.Contains(e.Message, "with crop_to_aspect_ratio from 4×6 to 4×4");
    }

    [TestMethod]
    public void Crop_to_aspect_ratio_at_the_same_ratio_is_a_plain_resize()
    {
        var g = Read("crop_same_ratio", ("height", 8), ("width", 12), ("crop_to_aspect_ratio", true));
        Assert.AreEqual(OpType.ResizeBilinear, g.Nodes.Single().Op);
    }

    [TestMethod]
    public void Antialias_when_shrinking_bilinear_is_mb1003()
    {
        var e = Assert.ThrowsExactly<ModelBuildException>(() => Read("antialias", ("height", 2), ("width", 3), ("antialias", true)));
        Assert.AreEqual("MB1003", e.Code);
        StringAssert.Contains(e.Message, "antialias");
    }

    [TestMethod]
    public void Other_interpolation_is_mb1003_listing_the_supported_ones()
    {
        var e = Assert.ThrowsExactly<ModelBuildException>(() => Read("bicubic", ("height", 8), ("width", 12), ("interpolation", "bicubic")));
        Assert.AreEqual("MB1003", e.Code);
        StringAssert.Contains(e.Message, "bilinear and nearest are supported");
    }
}
