using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Tests.TestGraphs;

/// <summary>
/// A shortened ResNet with keras.applications names and ResNet101's real widths around the conv4 stage: a strided
/// stem down to <c>conv4_block3_out</c> (1×14×14×1024), bottleneck blocks <c>conv4_block4</c> and
/// <c>conv4_block5</c>, the strided <c>conv5_block1</c> (2048 channels), global average pooling, 1000-way dense
/// and softmax. The tail from <c>conv4_block4_out</c> is the case that broke TensorFlow's own converter.
/// </summary>
internal static class ResNetTailTestGraphs
{
    public static ModelGraph ResNetTail(int seed = 1)
    {
        var r = new Random(seed);
        var nodes = new List<Node>();
        var x = new Tensor("input_1", [1, 56, 56, 3]);

        Tensor Conv(string name, Tensor input, int oc, int k, int stride, FusedActivation act)
        {
            int ic = input.Shape[3];
            float limit = MathF.Sqrt(6f / (k * k * ic)) * 0.8f;
            var w = new Tensor(name + "/kernel", [oc, k, k, ic], DataType.Float32, Uniform(r, oc * k * k * ic, limit));
            var b = new Tensor(name + "/bias", [oc], DataType.Float32, Uniform(r, oc, 0.05f));
            int h = (input.Shape[1] + stride - 1) / stride, wd = (input.Shape[2] + stride - 1) / stride;
            var y = new Tensor(name, [1, h, wd, oc]);
            nodes.Add(new Node(name, OpType.Conv2D, [input, w, b], [y], new Conv2DOptions(Padding.Same, stride, stride, 1, 1, act)) { SourceLayer = name, SourceClass = "Conv2D" });
            return y;
        }

        Tensor Block(string name, Tensor input, int filters, int stride, bool convShortcut)
        {
            var shortcut = convShortcut ? Conv(name + "_0_conv", input, 4 * filters, 1, stride, FusedActivation.None) : input;
            var a = Conv(name + "_1_conv", input, filters, 1, stride, FusedActivation.Relu);
            var b = Conv(name + "_2_conv", a, filters, 3, 1, FusedActivation.Relu);
            var c = Conv(name + "_3_conv", b, 4 * filters, 1, 1, FusedActivation.None);
            var y = new Tensor(name + "_out", shortcut.Shape);
            nodes.Add(new Node(name + "_out", OpType.Add, [shortcut, c], [y], new ElementwiseOptions(FusedActivation.Relu)) { SourceLayer = name + "_add", SourceClass = "Add" });
            return y;
        }

        var stem = Conv("conv1_conv", x, 64, 3, 2, FusedActivation.Relu);
        var c3 = Conv("conv3_block4_out", stem, 512, 1, 2, FusedActivation.Relu);
        var c4 = Conv("conv4_block3_out", c3, 1024, 1, 1, FusedActivation.Relu);
        var b4 = Block("conv4_block4", c4, 256, 1, convShortcut: false);
        var b5 = Block("conv4_block5", b4, 256, 1, convShortcut: false);
        var c5 = Block("conv5_block1", b5, 512, 2, convShortcut: true);

        var pooled = new Tensor("avg_pool", [1, 2048]);
        nodes.Add(new Node("avg_pool", OpType.Mean, [c5, new Tensor("avg_pool/axes", [2], DataType.Int32, new[] { 1, 2 })], [pooled], new ReducerOptions(false)));
        var logits = new Tensor("predictions/logits", [1, 1000]);
        nodes.Add(new Node("predictions/logits", OpType.FullyConnected,
            [pooled, new Tensor("predictions/kernel", [1000, 2048], DataType.Float32, Uniform(r, 2048 * 1000, 0.05f)), new Tensor("predictions/bias", [1000], DataType.Float32, Uniform(r, 1000, 0.05f))],
            [logits], new FullyConnectedOptions()));
        var probs = new Tensor("predictions", [1, 1000]);
        nodes.Add(new Node("predictions", OpType.Softmax, [logits], [probs], new SoftmaxOptions()));
        return new ModelGraph("resnet_tail", [x], [probs], nodes);
    }

    private static float[] Uniform(Random r, int n, float limit)
    {
        var v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float)(r.NextDouble() * 2 - 1) * limit;
        return v;
    }
}
