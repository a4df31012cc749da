using ModelBuild.Core.Graph;
using ModelBuild.Core.Synthesis;
using ModelBuild.Core.Synthesis.Layers;
using ModelBuild.Core.Tests.Layout;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.TestGraphs.SynthLayerTestGraphs;

namespace ModelBuild.Core.Tests.Synthesis.Layers;

/// <summary>A synthesized Cropping2D with four different margins, read back by our reader.</summary>
[TestClass]
public sealed class Cropping2DLayerTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("synth-cropping");

    [ClassCleanup]
    public static void Cleanup() => ResidualArtifacts.DeleteScratch(_dir);

    private static SynthModel Cropped(string name) => Model(name, 7, 2, x => new Cropping2DLayer("crop", x, top: 1, bottom: 0, left: 2, right: 3));

    [TestMethod]
    [DataRow(SynthFileFormat.KerasH5)]
    [DataRow(SynthFileFormat.KerasArchive)]
    public void Asymmetric_crop_reads_back_with_the_shape_and_values_of_the_crop(SynthFileFormat format)
    {
        var model = Cropped("crop_" + format);
        AssertReadBackComputesAsSynthesized(model, Write(model, format, _dir));

        CollectionAssert.AreEqual(new[] { 6, 2, 2 }, model.Output.OutputShape, "7 - 1 - 0 rows, 7 - 2 - 3 columns");
    }

    [TestMethod]
    public void Config_holds_top_bottom_then_left_right()
    {
        var cropping = LayerEntry(Write(Cropped("crop_config"), SynthFileFormat.KerasH5, _dir), "crop")["config"]!["cropping"]!;

        Assert.AreEqual("[[1,0],[2,3]]", cropping.ToJsonString());
    }
}
