using ModelBuild.Core.Execution.Float;
using ModelBuild.Core.Graph;
using static ModelBuild.Core.Tests.TestGraphs.FloatTestGraphs;

namespace ModelBuild.Core.Tests.Execution.Float;

/// <summary>The fused pointwise expansion + 3×3 depthwise layer: the same values as the two layers one after the other.</summary>
[TestClass]
public sealed class ExpandDepthwiseKernelTests
{
    [TestMethod]
    [DataRow(100, 40, 16, 96, 2, Padding.Same, 1, DisplayName = "shallow expansion 16→96, s2 same, several bands")]
    [DataRow(100, 40, 16, 64, 1, Padding.Same, 1, DisplayName = "shallow expansion 16→64, s1 same, several bands")]
    [DataRow(60, 30, 40, 72, 1, Padding.Same, 2, DisplayName = "GEMM expansion 40→72 (ragged panel), s1, batch 2")]
    [DataRow(57, 20, 24, 144, 2, Padding.Valid, 1, DisplayName = "GEMM expansion 24→144, s2 valid, odd height")]
    [DataRow(9, 7, 8, 24, 1, Padding.Same, 3, DisplayName = "small image: one band, batch 3")]
    public void Fused_layers_give_the_same_bits_as_the_two_layers_one_after_the_other(int h, int w, int cin, int c, int stride, Padding padding, int batch)
    {
        var r = new Random(h * 31 + c);
        var x = RandomNd(r, [batch, h, w, cin]);
        var we = RandomNd(r, [c, 1, 1, cin], 0.5f);
        var be = Random(r, c, 0.3f);
        var wd = RandomNd(r, [1, 3, 3, c], 0.6f);
        var bd = Random(r, c, 0.3f);
        var expand = new Conv2DKernel(we.Data, be, c, 1, 1, cin, 1, 1, 1, 1, Padding.Same, FusedActivation.Relu6);
        var depthwise = new DepthwiseConv2DKernel(wd.Data, bd, 3, 3, c, 1, stride, stride, 1, 1, FusedActivation.Relu6);
        var mid = FloatNaiveReference.Conv2D(x, we, be, 1, 1, 1, 1, Padding.Same, FusedActivation.Relu6);
        var naive = FloatNaiveReference.Depthwise(mid, wd, bd, 1, stride, stride, 1, 1, padding, FusedActivation.Relu6);
        int oh = naive.Shape[1], ow = naive.Shape[2];

        var midSeparate = new float[batch * h * w * c];
        expand.Run(x.Data, batch, h, w, midSeparate, h, w);
        var separate = new float[naive.Data.Length];
        depthwise.Run(midSeparate, batch, h, w, separate, oh, ow);
        var fused = new float[naive.Data.Length];
        new ExpandDepthwiseKernel(expand, depthwise).Run(x.Data, batch, h, w, fused, oh, ow);

        AssertClose(naive.Data, fused, "fused vs naive loops");
        CollectionAssert.AreEqual(separate, fused, "fused vs the two kernels");
    }

    [TestMethod]
    public void A_large_pointwise_expansion_read_only_by_a_3x3_depthwise_layer_is_fused()
    {
        var (g, _) = Block(64, 64, 16, 64, midIsOutput: false);
        Assert.IsNotNull(ExpandDepthwiseKernel.TryCreate(g, g.Nodes[0], g.Nodes[1]));
    }

    [TestMethod]
    public void An_expansion_small_enough_for_the_cache_is_not_fused()
    {
        var (g, _) = Block(32, 32, 16, 64, midIsOutput: false); // 256 KiB per image
        Assert.IsNull(ExpandDepthwiseKernel.TryCreate(g, g.Nodes[0], g.Nodes[1]));
    }

    [TestMethod]
    public void An_expansion_the_graph_returns_is_not_fused()
    {
        var (g, _) = Block(64, 64, 16, 64, midIsOutput: true);
        Assert.IsNull(ExpandDepthwiseKernel.TryCreate(g, g.Nodes[0], g.Nodes[1]));
    }

    /// <summary>Pointwise CONV_2D cin→c (ReLU6) then 3×3 DEPTHWISE_CONV_2D s1 (ReLU6); the expanded tensor is "mid".</summary>
    internal static (ModelGraph Graph, Tensor Mid) Block(int h, int w, int cin, int c, bool midIsOutput)
    {
        var r = new Random(3);
        var x = new Tensor("x", [1, h, w, cin]);
        var mid = new Tensor("mid", [1, h, w, c]);
        var y = new Tensor("y", [1, h, w, c]);
        var expand = new Node("expand", OpType.Conv2D, [x, Constant("we", [c, 1, 1, cin], Random(r, c * cin, 0.5f)), Constant("be", [c], Random(r, c, 0.3f))],
            [mid], new Conv2DOptions(Padding.Same, 1, 1, Activation: FusedActivation.Relu6));
        var depthwise = new Node("depthwise", OpType.DepthwiseConv2D, [mid, Constant("wd", [1, 3, 3, c], Random(r, 9 * c, 0.6f)), Constant("bd", [c], Random(r, c, 0.3f))],
            [y], new DepthwiseConv2DOptions(Padding.Same, 1, 1, 1, Activation: FusedActivation.Relu6));
        return (new ModelGraph("block", [x], midIsOutput ? [y, mid] : [y], [expand, depthwise]), mid);
    }
}
