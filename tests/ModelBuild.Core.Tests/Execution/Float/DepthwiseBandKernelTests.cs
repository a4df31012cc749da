using ModelBuild.Core.Execution.Float;
using ModelBuild.Core.Graph;
using static ModelBuild.Core.Tests.TestGraphs.FloatTestGraphs;

namespace ModelBuild.Core.Tests.Execution.Float;

/// <summary>The fused [expansion →] 3×3 depthwise [→ projection] chain: the same values as the layers one after the other.</summary>
[TestClass]
public sealed class DepthwiseBandKernelTests
{
    [TestMethod]
    [DataRow(100, 40, 16, 96, 0, 2, Padding.Same, 1, DisplayName = "shallow expansion 16→96, s2 same, several bands")]
    [DataRow(100, 40, 16, 64, 24, 1, Padding.Same, 1, DisplayName = "shallow expansion 16→64, s1 same, projection 64→24, several bands")]
    [DataRow(60, 30, 40, 72, 0, 1, Padding.Same, 2, DisplayName = "GEMM expansion 40→72 (ragged panel), s1, batch 2")]
    [DataRow(57, 20, 24, 144, 32, 2, Padding.Valid, 1, DisplayName = "GEMM expansion 24→144, s2 valid, odd height, projection 144→32")]
    [DataRow(9, 7, 8, 24, 16, 1, Padding.Same, 3, DisplayName = "small image: one band, batch 3, projection")]
    [DataRow(90, 50, 0, 32, 16, 1, Padding.Same, 2, DisplayName = "no expansion: depthwise 32 then projection 32→16, batch 2")]
    public void Fused_layers_give_the_same_bits_as_the_layers_one_after_the_other(int h, int w, int cin, int c, int cout, int stride, Padding padding, int batch)
    {
        var r = new Random(h * 31 + c + cout);
        var x = RandomNd(r, [batch, h, w, cin > 0 ? cin : c]);
        var be = Random(r, c, 0.3f);
        var we = cin > 0 ? RandomNd(r, [c, 1, 1, cin], 0.5f) : null;
        var wd = RandomNd(r, [1, 3, 3, c], 0.6f);
        var bd = Random(r, c, 0.3f);
        var wp = cout > 0 ? RandomNd(r, [cout, 1, 1, c], 0.4f) : null;
        var bp = Random(r, Math.Max(cout, 1), 0.2f);
        var expand = we is null ? null : new Conv2DKernel(we.Data, be, c, 1, 1, cin, 1, 1, 1, 1, Padding.Same, FusedActivation.Relu6);
        var depthwise = new DepthwiseConv2DKernel(wd.Data, bd, 3, 3, c, 1, stride, stride, 1, 1, FusedActivation.Relu6);
        var project = wp is null ? null : new Conv2DKernel(wp.Data, bp, cout, 1, 1, c, 1, 1, 1, 1, Padding.Same, FusedActivation.None);

        var mid = we is null ? x : FloatNaiveReference.Conv2D(x, we, be, 1, 1, 1, 1, Padding.Same, FusedActivation.Relu6);
        var naive = FloatNaiveReference.Depthwise(mid, wd, bd, 1, stride, stride, 1, 1, padding, FusedActivation.Relu6);
        int oh = naive.Shape[1], ow = naive.Shape[2];
        if (wp is not null) naive = FloatNaiveReference.Conv2D(naive, wp, bp, 1, 1, 1, 1, Padding.Same, FusedActivation.None);

        var separate = x.Data;
        if (expand is not null) expand.Run(x.Data, batch, h, w, separate = new float[batch * h * w * c], h, w);
        var dwOut = new float[batch * oh * ow * c];
        depthwise.Run(separate, batch, h, w, dwOut, oh, ow);
        if (project is not null) project.Run(dwOut, batch, oh, ow, separate = new float[naive.Data.Length], oh, ow);
        else separate = dwOut;
        var fused = new float[naive.Data.Length];
        new DepthwiseBandKernel(expand, depthwise, project).Run(x.Data, batch, h, w, h, w, fused, oh, ow);

        AssertClose(naive.Data, fused, "fused vs naive loops");
        CollectionAssert.AreEqual(separate, fused, "fused vs the kernels one after the other");
    }

    [TestMethod]
    [DataRow(67, 45, 1, DisplayName = "odd input, one image")]
    [DataRow(224, 40, 2, DisplayName = "MobileNet's height, several bands, batch 2")]
    public void A_shallow_stem_before_the_depthwise_layer_gives_the_same_bits_as_the_layers_one_after_the_other(int h, int w, int batch)
    {
        // MobileNet's start: CONV_2D 3×3/2 3→32 (run directly, not as a GEMM), depthwise 3×3 s1, projection 32→16.
        var r = new Random(h + w);
        var x = RandomNd(r, [batch, h, w, 3]);
        var ws = RandomNd(r, [32, 3, 3, 3], 0.5f);
        var bs = Random(r, 32, 0.3f);
        var wd = RandomNd(r, [1, 3, 3, 32], 0.6f);
        var bd = Random(r, 32, 0.3f);
        var wp = RandomNd(r, [16, 1, 1, 32], 0.4f);
        var bp = Random(r, 16, 0.2f);
        var stem = new Conv2DKernel(ws.Data, bs, 32, 3, 3, 3, 2, 2, 1, 1, Padding.Same, FusedActivation.Relu6);
        var depthwise = new DepthwiseConv2DKernel(wd.Data, bd, 3, 3, 32, 1, 1, 1, 1, 1, FusedActivation.Relu6);
        var project = new Conv2DKernel(wp.Data, bp, 16, 1, 1, 32, 1, 1, 1, 1, Padding.Same, FusedActivation.None);
        Assert.IsTrue(stem.RunsRows, "the stem runs row by row");

        var mid = FloatNaiveReference.Conv2D(x, ws, bs, 2, 2, 1, 1, Padding.Same, FusedActivation.Relu6);
        int mh = mid.Shape[1], mw = mid.Shape[2];
        var naive = FloatNaiveReference.Conv2D(FloatNaiveReference.Depthwise(mid, wd, bd, 1, 1, 1, 1, 1, Padding.Same, FusedActivation.Relu6), wp, bp, 1, 1, 1, 1, Padding.Same, FusedActivation.None);

        var stemOut = new float[mid.Data.Length];
        stem.Run(x.Data, batch, h, w, stemOut, mh, mw);
        var dwOut = new float[stemOut.Length];
        depthwise.Run(stemOut, batch, mh, mw, dwOut, mh, mw);
        var separate = new float[naive.Data.Length];
        project.Run(dwOut, batch, mh, mw, separate, mh, mw);
        var fused = new float[naive.Data.Length];
        new DepthwiseBandKernel(stem, depthwise, project).Run(x.Data, batch, h, w, mh, mw, fused, mh, mw);

        AssertClose(naive.Data, fused, "fused vs naive loops");
        CollectionAssert.AreEqual(separate, fused, "fused vs the kernels one after the other");
    }

    [TestMethod]
    public void A_shallow_stem_its_depthwise_layer_and_projection_are_fused_as_one_chain()
    {
        var r = new Random(4);
        var x = new Tensor("x", [1, 224, 224, 3]);
        var mid = new Tensor("mid", [1, 112, 112, 32]);
        var y = new Tensor("y", [1, 112, 112, 32]);
        var z = new Tensor("z", [1, 112, 112, 16]);
        var g = new ModelGraph("stem", [x], [z],
        [
            new("stem", OpType.Conv2D, [x, Constant("ws", [32, 3, 3, 3], Random(r, 32 * 27, 0.5f)), Constant("bs", [32], Random(r, 32, 0.3f))],
                [mid], new Conv2DOptions(Padding.Same, 2, 2, Activation: FusedActivation.Relu6)),
            new("depthwise", OpType.DepthwiseConv2D, [mid, Constant("wd", [1, 3, 3, 32], Random(r, 9 * 32, 0.6f)), Constant("bd", [32], Random(r, 32, 0.3f))],
                [y], new DepthwiseConv2DOptions(Padding.Same, 1, 1, 1, Activation: FusedActivation.Relu6)),
            new("project", OpType.Conv2D, [y, Constant("wp", [16, 1, 1, 32], Random(r, 16 * 32, 0.4f)), Constant("bp", [16], Random(r, 16, 0.2f))],
                [z], new Conv2DOptions(Padding.Same, 1, 1)),
        ]);

        Assert.AreEqual(3, DepthwiseBandKernel.TryCreate(g, 0)?.Nodes);
    }

    [TestMethod]
    public void A_large_expansion_its_depthwise_layer_and_projection_are_fused_as_one_chain()
    {
        var g = Block(64, 64, 16, 64, project: true, midIsOutput: false);
        Assert.AreEqual(3, DepthwiseBandKernel.TryCreate(g, 0)?.Nodes);
    }

    [TestMethod]
    public void A_depthwise_layer_and_projection_without_an_expansion_are_fused()
    {
        var g = Block(64, 64, 16, 64, project: true, midIsOutput: false);
        Assert.AreEqual(2, DepthwiseBandKernel.TryCreate(g, 1)?.Nodes);
    }

    [TestMethod]
    public void Tensors_small_enough_for_the_cache_are_not_fused()
    {
        var g = Block(16, 16, 16, 64, project: true, midIsOutput: false); // 64 KiB per image
        Assert.IsNull(DepthwiseBandKernel.TryCreate(g, 0));
    }

    [TestMethod]
    public void A_tensor_the_graph_returns_ends_the_chain_before_it()
    {
        var g = Block(64, 64, 16, 64, project: true, midIsOutput: true);
        Assert.IsNull(DepthwiseBandKernel.TryCreate(g, 0), "the returned expanded tensor was fused away");
        Assert.AreEqual(2, DepthwiseBandKernel.TryCreate(g, 1)?.Nodes, "the depthwise layer and projection after it");
    }

    [TestMethod]
    public void A_chain_cannot_start_at_a_projection()
    {
        var g = Block(64, 64, 16, 64, project: true, midIsOutput: false);
        Assert.IsNull(DepthwiseBandKernel.TryCreate(g, 2));
    }

    /// <summary>Pointwise CONV_2D cin→c (ReLU6), 3×3 DEPTHWISE_CONV_2D s1 (ReLU6) [, pointwise CONV_2D c→16]; the expanded tensor is "mid".</summary>
    internal static ModelGraph Block(int h, int w, int cin, int c, bool project, bool midIsOutput)
    {
        var r = new Random(3);
        var x = new Tensor("x", [1, h, w, cin]);
        var mid = new Tensor("mid", [1, h, w, c]);
        var y = new Tensor("y", [1, h, w, c]);
        var nodes = new List<Node>
        {
            new("expand", OpType.Conv2D, [x, Constant("we", [c, 1, 1, cin], Random(r, c * cin, 0.5f)), Constant("be", [c], Random(r, c, 0.3f))],
                [mid], new Conv2DOptions(Padding.Same, 1, 1, Activation: FusedActivation.Relu6)),
            new("depthwise", OpType.DepthwiseConv2D, [mid, Constant("wd", [1, 3, 3, c], Random(r, 9 * c, 0.6f)), Constant("bd", [c], Random(r, c, 0.3f))],
                [y], new DepthwiseConv2DOptions(Padding.Same, 1, 1, 1, Activation: FusedActivation.Relu6)),
        };
        var last = y;
        if (project)
        {
            last = new Tensor("z", [1, h, w, 16]);
            nodes.Add(new("project", OpType.Conv2D, [y, Constant("wp", [16, 1, 1, c], Random(r, 16 * c, 0.4f)), Constant("bp", [16], Random(r, 16, 0.2f))],
                [last], new Conv2DOptions(Padding.Same, 1, 1)));
        }

        return new ModelGraph("block", [x], midIsOutput ? [last, mid] : [last], nodes);
    }
}
