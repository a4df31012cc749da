using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Tests.Keras;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.Keras.KerasTestModel;
using static ModelBuild.Core.Tests.Operators.OneOpOracle;

namespace ModelBuild.Core.Tests.Operators;

/// <summary>RESIZE_NEAREST_NEIGHBOR as keras.layers.Resizing(interpolation="nearest") writes it: half-pixel centers.</summary>
[TestClass]
public sealed class ResizeNearestNeighborDefinitionTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("resize-nearest");

    [TestMethod]
    [DataRow(5, 7, 10, 9)]
    [DataRow(9, 8, 4, 3)]
    public void Keras_resizing_nearest_is_a_half_pixel_resize_nearest_matching_tflite(int h, int w, int oh, int ow)
    {
        var path = new KerasTestModel()
            .Input("x", h, w, 3)
            .Layer("Resizing", "resize", Cfg(("height", oh), ("width", ow), ("interpolation", "nearest")), "x")
            .Write(Path.Combine(_dir, $"nearest_{oh}x{ow}.h5"), "resize");
        var g = KerasModelReader.Read(path);
        Assert.AreEqual("ResizeNearestNeighbor", string.Join(" ", g.Nodes.Select(n => n.Op)));
        Assert.AreEqual(new ResizeOptions(HalfPixelCenters: true), g.Nodes[0].Options);
        FloatClose(g, 0, 4);
        Int8BitIdentical(g, 5);
    }
}
