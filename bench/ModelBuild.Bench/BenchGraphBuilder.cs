using ModelBuild.Core.Graph;

namespace ModelBuild.Bench;

/// <summary>Builds float graphs op by op with He-scaled random weights (activations stay O(1): no denormals) and counts their FLOPs.</summary>
internal sealed class BenchGraphBuilder(string name, int[] inputShape, int seed = 1)
{
    private readonly List<Node> _nodes = [];
    private readonly Random _random = new(seed);
    private int _counter;

    public Tensor Input { get; } = new("input_1", inputShape);

    /// <summary>Multiply-adds × 2 of the convolutions and dense layers, per image.</summary>
    public double Flops { get; private set; }

    public ModelGraph Build(Tensor output) => new(name, [Input], [output], _nodes);

    private Tensor Emit(OpType op, int[] shape, Tensor?[] inputs, OpOptions? options = null, string prefix = "t")
    {
        var t = new Tensor($"{prefix}_{++_counter}", shape);
        _nodes.Add(new Node(t.Name, op, inputs, [t], options));
        return t;
    }

    private Tensor Weights(int[] shape, int fanIn, float gain = 1f)
    {
        float a = gain * MathF.Sqrt(6f / fanIn);
        var data = new float[shape.Aggregate(1, (p, d) => p * d)];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(_random.NextDouble() * 2 - 1) * a;
        return new Tensor($"w_{++_counter}", shape, DataType.Float32, data);
    }

    private Tensor Bias(int n) => new($"b_{++_counter}", [n], DataType.Float32, Enumerable.Range(0, n).Select(_ => (float)(_random.NextDouble() * 0.2 - 0.1)).ToArray());

    private static int Out(int size, int k, int stride, Padding p) => p == Padding.Same ? (size + stride - 1) / stride : (size - k) / stride + 1;

    /// <param name="gain">Scales the weights: below 1 on the last conv of a residual branch keeps activations O(1) through a deep ResNet (batch norm's job in a trained one).</param>
    public Tensor Conv(Tensor x, int filters, int k, int stride, Padding padding = Padding.Same, FusedActivation act = FusedActivation.Relu, float gain = 1f)
    {
        int cin = x.Shape[3], oh = Out(x.Shape[1], k, stride, padding), ow = Out(x.Shape[2], k, stride, padding);
        Flops += 2.0 * oh * ow * filters * k * k * cin;
        return Emit(OpType.Conv2D, [1, oh, ow, filters], [x, Weights([filters, k, k, cin], k * k * cin, gain), Bias(filters)],
            new Conv2DOptions(padding, stride, stride, Activation: act), "conv");
    }

    public Tensor Depthwise(Tensor x, int k, int stride, FusedActivation act = FusedActivation.Relu6)
    {
        int c = x.Shape[3], oh = Out(x.Shape[1], k, stride, Padding.Same), ow = Out(x.Shape[2], k, stride, Padding.Same);
        Flops += 2.0 * oh * ow * c * k * k;
        return Emit(OpType.DepthwiseConv2D, [1, oh, ow, c], [x, Weights([1, k, k, c], k * k), Bias(c)],
            new DepthwiseConv2DOptions(Padding.Same, stride, stride, 1, Activation: act), "dw");
    }

    public Tensor Add(Tensor a, Tensor b, FusedActivation act = FusedActivation.None) =>
        Emit(OpType.Add, a.Shape, [a, b], new ElementwiseOptions(act), "add");

    public Tensor Pad(Tensor x, int p) =>
        Emit(OpType.Pad, [1, x.Shape[1] + 2 * p, x.Shape[2] + 2 * p, x.Shape[3]],
            [x, new Tensor($"pad_{++_counter}", [4, 2], DataType.Int32, new[] { 0, 0, p, p, p, p, 0, 0 })], null, "pad");

    public Tensor MaxPool(Tensor x, int k, int stride) =>
        Emit(OpType.MaxPool2D, [1, Out(x.Shape[1], k, stride, Padding.Valid), Out(x.Shape[2], k, stride, Padding.Valid), x.Shape[3]], [x],
            new Pool2DOptions(Padding.Valid, stride, stride, k, k), "pool");

    public Tensor GlobalAveragePool(Tensor x) =>
        Emit(OpType.Mean, [1, x.Shape[3]], [x, new Tensor($"axes_{++_counter}", [2], DataType.Int32, new[] { 1, 2 })], new ReducerOptions(false), "gap");

    public Tensor Dense(Tensor x, int units)
    {
        int inner = x.Shape[^1];
        Flops += 2.0 * inner * units;
        return Emit(OpType.FullyConnected, [1, units], [x, Weights([units, inner], inner), Bias(units)], new FullyConnectedOptions(), "fc");
    }

    public Tensor Softmax(Tensor x) => Emit(OpType.Softmax, x.Shape, [x], new SoftmaxOptions(), "softmax");
}
