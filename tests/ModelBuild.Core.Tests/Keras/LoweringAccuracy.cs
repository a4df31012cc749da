using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Graph.Rewrites;
using ModelBuild.Core.Quantization;
using static ModelBuild.Core.Tests.Execution.Int8TestHelpers;

namespace ModelBuild.Core.Tests.Keras;

/// <summary>
/// A small MobileNetV3-like network (conv, depthwise, conv, each followed by hard-swish) built twice: with TFLite's
/// HARD_SWISH and with the Edge TPU lowering x·relu6(x + 3)·(1/6); its int8-vs-float SQNR is the lowering's cost.
/// </summary>
internal static class LoweringAccuracy
{
    public static ModelGraph Chain(string name, bool lowered, int weightSeed = 11)
    {
        var r = new Random(weightSeed);
        var nodes = new List<Node>();
        var x = new Tensor("input", [1, 12, 12, 8]);
        var t = Conv(nodes, r, x, "conv1", 16, 3);
        t = Act(nodes, t, "act1", lowered);
        var dw = new Tensor("dw/weights", [1, 3, 3, 16], DataType.Float32, Random(r, 9 * 16, 0.6f));
        var dwOut = new Tensor("dw", [1, 12, 12, 16]);
        nodes.Add(new Node("dw", OpType.DepthwiseConv2D, [t, dw, new Tensor("dw/bias", [16], DataType.Float32, Random(r, 16, 0.3f))], [dwOut],
            new DepthwiseConv2DOptions(Padding.Same, 1, 1, 1)));
        t = Act(nodes, dwOut, "act2", lowered);
        t = Conv(nodes, r, t, "conv2", 8, 1);
        var y = Act(nodes, t, "act3", lowered);
        var g = new ModelGraph(name, [x], [y], nodes);
        GraphRewrites.Apply(g);
        return g;
    }

    /// <summary>int8-vs-float SQNR (dB) of the network's output over 16 random inputs, calibrated on 16 others.</summary>
    public static double SqnrDb(bool lowered, int weightSeed = 11)
    {
        var g = Chain(lowered ? "lowered" : "hard", lowered, weightSeed);
        var int8 = Quantizer.Quantize(g, CalibrateRandom(g, 16, 5));
        var f = new FloatExecutor(g);
        var q = new Int8Executor(int8);
        var agreement = new OutputAgreement();
        var r = new Random(6);
        for (int i = 0; i < 16; i++)
        {
            var x = Enumerable.Range(0, (int)g.Inputs[0].ElementCount).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
            agreement.Accumulate(f.Run(x), RunOnRealValues(q, x));
        }

        return agreement.SqnrDb;
    }

    private static Tensor Conv(List<Node> nodes, Random r, Tensor x, string name, int oc, int k)
    {
        int ic = x.Shape[3];
        var w = new Tensor(name + "/weights", [oc, k, k, ic], DataType.Float32, Random(r, oc * k * k * ic, 1.5f / MathF.Sqrt(k * k * ic)));
        var b = new Tensor(name + "/bias", [oc], DataType.Float32, Random(r, oc, 0.5f));
        var y = new Tensor(name, [1, x.Shape[1], x.Shape[2], oc]);
        nodes.Add(new Node(name, OpType.Conv2D, [x, w, b], [y], new Conv2DOptions(Padding.Same, 1, 1)));
        return y;
    }

    private static Tensor Act(List<Node> nodes, Tensor x, string name, bool lowered)
    {
        var y = new Tensor(name, x.Shape);
        if (!lowered)
        {
            nodes.Add(new Node(name, OpType.HardSwish, [x], [y]));
            return y;
        }

        Tensor Scalar(string n, float v) => new(name + "/" + n, [1], DataType.Float32, new[] { v });
        var plus3 = new Tensor(name + "/plus3", x.Shape);
        var relu6 = new Tensor(name + "/relu6", x.Shape);
        var gate = new Tensor(name + "/gate", x.Shape);
        nodes.Add(new Node(name + "/plus3", OpType.Add, [x, Scalar("three", 3)], [plus3], new ElementwiseOptions()));
        nodes.Add(new Node(name + "/relu6", OpType.Relu6, [plus3], [relu6]));
        nodes.Add(new Node(name + "/gate", OpType.Mul, [relu6, Scalar("one_sixth", 1f / 6)], [gate], new ElementwiseOptions()));
        nodes.Add(new Node(name, OpType.Mul, [x, gate], [y], new ElementwiseOptions()));
        return y;
    }

    private static float[] Random(Random r, int n, float amplitude) =>
        Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 2 - 1) * amplitude).ToArray();
}
