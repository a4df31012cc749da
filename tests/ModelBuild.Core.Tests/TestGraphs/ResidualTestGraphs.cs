using ModelBuild.Core.Graph;
using static ModelBuild.Core.Tests.TfLite.TfLiteTestModels;

namespace ModelBuild.Core.Tests.TestGraphs;

/// <summary>
/// A small float ResNet-like graph: stem conv, two residual blocks (outputs <c>block1_out</c>, <c>block2_out</c>),
/// global mean, dense, softmax. Single-tensor cuts: <c>stem</c>, <c>block1_out</c>, <c>block2_out</c>; not
/// <c>block1_conv</c> (the block's ADD also reads <c>stem</c>).
/// </summary>
internal static class ResidualTestGraphs
{
    public static ModelGraph ResidualBlock(int seed = 1)
    {
        var r = new Random(seed);
        var x = new Tensor("input", [1, 8, 8, 3]);
        var nodes = new List<Node>();
        Tensor Conv(string name, Tensor input, int oc, FusedActivation act)
        {
            int ic = input.Shape[3];
            var w = new Tensor(name + "/weights", [oc, 3, 3, ic], DataType.Float32, RandomFloats(r, oc * 9 * ic, 0.4f));
            var b = new Tensor(name + "/bias", [oc], DataType.Float32, RandomFloats(r, oc, 0.1f));
            var y = new Tensor(name, [1, 8, 8, oc]);
            nodes.Add(new Node(name, OpType.Conv2D, [input, w, b], [y], new Conv2DOptions(Padding.Same, 1, 1, 1, 1, act)));
            return y;
        }

        Tensor Add(string name, Tensor a, Tensor b)
        {
            var y = new Tensor(name, a.Shape);
            nodes.Add(new Node(name, OpType.Add, [a, b], [y], new ElementwiseOptions(FusedActivation.Relu)));
            return y;
        }

        var stem = Conv("stem", x, 8, FusedActivation.Relu);
        var block1 = Add("block1_out", stem, Conv("block1_conv", stem, 8, FusedActivation.None));
        var block2 = Add("block2_out", block1, Conv("block2_conv", block1, 8, FusedActivation.None));
        var pooled = new Tensor("pool", [1, 8]);
        nodes.Add(new Node("pool", OpType.Mean, [block2, new Tensor("pool/axes", [2], DataType.Int32, new[] { 1, 2 })], [pooled], new ReducerOptions(false)));
        var logits = new Tensor("logits", [1, 10]);
        nodes.Add(new Node("logits", OpType.FullyConnected,
            [pooled, new Tensor("logits/weights", [10, 8], DataType.Float32, RandomFloats(r, 80, 0.5f)), new Tensor("logits/bias", [10], DataType.Float32, RandomFloats(r, 10, 0.1f))],
            [logits], new FullyConnectedOptions()));
        var probs = new Tensor("probs", [1, 10]);
        nodes.Add(new Node("probs", OpType.Softmax, [logits], [probs], new SoftmaxOptions()));
        return new ModelGraph("residual", [x], [probs], nodes);
    }
}
