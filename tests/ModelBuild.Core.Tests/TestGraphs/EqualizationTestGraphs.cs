using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Tests.TestGraphs;

/// <summary>The smallest pair cross-layer equalization rescales: two 1×1 convolutions, small enough to follow each channel by hand.</summary>
internal static class EqualizationTestGraphs
{
    /// <summary>
    /// x [1,1,1,1] → CONV_2D "first" (1×1, one output channel per entry of <paramref name="w1"/>, bias <paramref name="b1"/>,
    /// fused ReLU6) → y → CONV_2D "second" (1×1, weights <paramref name="w2"/>, no bias, one output channel) → z. With
    /// <paramref name="boundedInput"/>, a RELU6 "relu" (x → r) comes first, so the first conv's input is known to lie in [0, 6].
    /// </summary>
    public static ModelGraph ConvRelu6ThenConv(float[] w1, float[] b1, float[] w2, bool boundedInput = false)
    {
        int channels = w1.Length;
        var x = new Tensor("x", [1, 1, 1, 1]);
        var r = boundedInput ? new Tensor("r", [1, 1, 1, 1]) : x;
        var y = new Tensor("y", [1, 1, 1, channels]);
        var z = new Tensor("z", [1, 1, 1, 1]);
        var nodes = new List<Node>();
        if (boundedInput) nodes.Add(new Node("relu", OpType.Relu6, [x], [r]));
        nodes.Add(new Node("first", OpType.Conv2D,
            [r, new Tensor("w1", [channels, 1, 1, 1], DataType.Float32, w1), new Tensor("b1", [channels], DataType.Float32, b1)], [y],
            new Conv2DOptions(Padding.Valid, 1, 1, Activation: FusedActivation.Relu6)));
        nodes.Add(new Node("second", OpType.Conv2D, [y, new Tensor("w2", [1, 1, 1, channels], DataType.Float32, w2)], [z], new Conv2DOptions(Padding.Valid, 1, 1)));
        return new ModelGraph("t", [x], [z], nodes);
    }
}
