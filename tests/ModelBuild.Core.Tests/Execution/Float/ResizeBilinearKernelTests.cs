using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Tests.Operators;
using static ModelBuild.Core.Tests.Operators.OneOpOracle;

namespace ModelBuild.Core.Tests.Execution.Float;

/// <summary>RESIZE_BILINEAR in float: against TFLite 2.9, and the half-pixel weights written out.</summary>
[TestClass]
public sealed class ResizeBilinearKernelTests
{
    public static IEnumerable<object[]> Cases => ResizeBilinearDefinitionTests.Cases;

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void Float_resize_matches_tflite(int[] inShape, int oh, int ow, bool halfPixel, bool alignCorners)
    {
        var g = ResizeBilinearDefinitionTests.OneResize(inShape, oh, ow, new ResizeOptions(alignCorners, halfPixel));
        CollectionAssert.AreEqual(new[] { 1, oh, ow, inShape[3] }, g.Outputs[0].Shape);
        FloatClose(g, 1e-5, 1);
    }

    [TestMethod]
    public void Float_half_pixel_upsample_by_two_interpolates_a_quarter_and_three_quarters()
    {
        // Output column 1 of a 2→4 resize samples (1 + 0.5)·0.5 − 0.5 = 0.25: 0.75·x0 + 0.25·x1.
        var g = ResizeBilinearDefinitionTests.OneResize([1, 1, 2, 1], 1, 4, new ResizeOptions(HalfPixelCenters: true));
        CollectionAssert.AreEqual(new[] { 0f, 1f, 3f, 4f }, new FloatExecutor(g).Run([0f, 4f]));
    }

    [TestMethod]
    public void Float_align_corners_maps_the_corners_onto_each_other()
    {
        // 2→3 with align_corners: output column 1 samples input 0.5 exactly (scale (2-1)/(3-1)).
        var g = ResizeBilinearDefinitionTests.OneResize([1, 1, 2, 1], 1, 3, new ResizeOptions(AlignCorners: true));
        CollectionAssert.AreEqual(new[] { 2f, 5f, 8f }, new FloatExecutor(g).Run([2f, 8f]));
    }
}
