using System.Text.Json.Nodes;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.Keras.KerasTestModel;

namespace ModelBuild.Core.Tests.Keras;

/// <summary>Cropping2D in each of Keras' forms and CenterCrop, read from tiny written models: one SLICE, or none.</summary>
[TestClass]
public sealed class CroppingLayersTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("cropping-layers");

    /// <summary>A 4×5×1 input with values 0..19 row by row → the layer.</summary>
    private static ModelGraph Read(string name, string className, JsonObject config) =>
        KerasModelReader.Read(new KerasTestModel().Input("x", 4, 5, 1).Layer(className, "crop", config, "x").Write(Path.Combine(_dir, name + ".h5"), "crop"));

    private static readonly float[] X = Enumerable.Range(0, 20).Select(i => (float)i).ToArray();

    [TestMethod]
    public void Nested_cropping_crops_top_bottom_left_right_as_given()
    {
        var g = Read("nested", "Cropping2D", Cfg(("cropping", new JsonArray(new JsonArray(1, 2), new JsonArray(0, 3)))));

        Assert.AreEqual(OpType.Slice, g.Nodes.Single().Op);
        CollectionAssert.AreEqual(new[] { 1, 1, 2, 1 }, g.Outputs[0].Shape);
        CollectionAssert.AreEqual(new float[] { 5, 6 }, Run(g, X), "row 1, columns 0-1");
    }

    [TestMethod]
    public void Pair_cropping_is_symmetric_per_axis()
    {
        var g = Read("pair", "Cropping2D", Cfg(("cropping", new JsonArray(1, 2))));
        CollectionAssert.AreEqual(new float[] { 7, 12 }, Run(g, X), "rows 1-2, column 2");
    }

    [TestMethod]
    public void Zero_cropping_is_no_op_at_all()
    {
        var g = Read("zero", "Cropping2D", Cfg(("cropping", new JsonArray(new JsonArray(0, 0), new JsonArray(0, 0)))));
        Assert.IsEmpty(g.Nodes);
    }

    [TestMethod]
    public void Cropping_everything_is_mb1007_naming_the_layer()
    {
        var e = Assert.ThrowsExactly<ModelBuildException>(() => Read("too_much", "Cropping2D", Cfg(("cropping", new JsonArray(2, 0)))));
        Assert.AreEqual("MB1007", e.Code);
        StringAssert.Contains(e.Message, "'crop' (Cropping2D) cannot crop [1, 4, 5, 1]");
    }

    [TestMethod]
    public void Center_crop_starts_at_half_the_margin_rounded_down()
    {
        var g = Read("center", "CenterCrop", Cfg(("height", 2), ("width", 2)));
        CollectionAssert.AreEqual(new float[] { 6, 7, 11, 12 }, Run(g, X), "rows 1-2, columns 1-2 (margin 3 → 1 left, 2 right)");
    }

    [TestMethod]
    public void Center_crop_larger_than_the_image_is_mb1003()
    {
        var e = Assert.ThrowsExactly<ModelBuildException>(() => Read("center_large", "CenterCrop", Cfg(("height", 6), ("width", 2))));
        Assert.AreEqual("MB1003", e.Code);
        StringAssert.Contains(e.Message, "smaller than its 6x2 target");
    }
}
