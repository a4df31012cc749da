using ModelBuild.Core.Execution.Float;
using ModelBuild.Core.Graph;
using static ModelBuild.Core.Tests.TestGraphs.FloatTestGraphs;

namespace ModelBuild.Core.Tests.Execution.Float;

/// <summary>Float DEPTHWISE_CONV_2D against naive loops.</summary>
[TestClass]
public sealed class DepthwiseConv2DKernelTests
{
    [TestMethod]
    [DataRow(7, 9, 13, 1, 3, 1, 1, Padding.Same, FusedActivation.Relu6, 1, DisplayName = "3x3 s1, 13 channels")]
    [DataRow(8, 8, 16, 1, 3, 2, 1, Padding.Same, FusedActivation.None, 1, DisplayName = "3x3 s2 same, even input")]
    [DataRow(9, 7, 12, 1, 3, 2, 1, Padding.Same, FusedActivation.None, 1, DisplayName = "3x3 s2 same, odd input")]
    [DataRow(9, 9, 3, 2, 3, 2, 1, Padding.Valid, FusedActivation.None, 1, DisplayName = "multiplier 2, valid s2")]
    [DataRow(8, 7, 5, 2, 3, 1, 1, Padding.Same, FusedActivation.Relu, 3, DisplayName = "multiplier 2, batch 3")]
    [DataRow(12, 11, 9, 1, 3, 1, 2, Padding.Same, FusedActivation.None, 1, DisplayName = "dilation 2")]
    [DataRow(11, 11, 24, 1, 5, 2, 1, Padding.Same, FusedActivation.None, 3, DisplayName = "5x5 s2 batch 3")]
    [DataRow(1, 1, 8, 1, 3, 1, 1, Padding.Same, FusedActivation.None, 1, DisplayName = "3x3 rows: 1x1 image, no interior column")]
    [DataRow(2, 3, 8, 1, 3, 1, 1, Padding.Same, FusedActivation.Relu, 2, DisplayName = "3x3 rows: 2x3 image, one interior column")]
    [DataRow(5, 13, 20, 1, 3, 1, 1, Padding.Same, FusedActivation.Relu6, 2, DisplayName = "3x3 rows: 11 interior columns (4+4+3), 20 channels")]
    [DataRow(3, 10, 9, 1, 3, 2, 1, Padding.Same, FusedActivation.Relu, 1, DisplayName = "3x3 rows: s2, 9 channels (shifted last block)")]
    [DataRow(6, 17, 40, 1, 3, 2, 1, Padding.Valid, FusedActivation.None, 1, DisplayName = "3x3 rows: s2 valid, 40 channels")]
    [DataRow(10, 16, 32, 1, 3, 1, 1, Padding.Valid, FusedActivation.None, 1, DisplayName = "3x3 rows: valid, every column interior")]
    public void DepthwiseConv2D_matches_naive_loops(int h, int w, int c, int multiplier, int k, int stride, int dilation, Padding padding, FusedActivation act, int batch)
    {
        var r = new Random(h * 100 + c * 7 + multiplier);
        var x = RandomNd(r, [batch, h, w, c]);
        var wt = RandomNd(r, [1, k, k, c * multiplier], 0.8f);
        var bias = Random(r, c * multiplier, 0.3f);
        var expected = FloatNaiveReference.Depthwise(x, wt, bias, multiplier, stride, stride, dilation, dilation, padding, act);

        var g = OneOp(OpType.DepthwiseConv2D, [Batch1(x.Shape)],
            [Constant("w", wt.Shape, wt.Data), Constant("b", [c * multiplier], bias)],
            Batch1(expected.Shape), new DepthwiseConv2DOptions(padding, stride, stride, multiplier, dilation, dilation, act));

        AssertClose(expected.Data, Run(g, batch, x.Data), "depthwise");
    }

    [TestMethod]
    public void Depthwise_without_bias_starts_from_zero()
    {
        var r = new Random(5);
        var x = RandomNd(r, [1, 5, 5, 4]);
        var wt = RandomNd(r, [1, 3, 3, 4]);
        var expected = FloatNaiveReference.Depthwise(x, wt, null, 1, 1, 1, 1, 1, Padding.Same, FusedActivation.None);
        var g = OneOp(OpType.DepthwiseConv2D, [x.Shape], [Constant("w", wt.Shape, wt.Data), null], expected.Shape,
            new DepthwiseConv2DOptions(Padding.Same, 1, 1, 1));
        AssertClose(expected.Data, Run(g, 1, x.Data), "depthwise without bias");
    }
}
