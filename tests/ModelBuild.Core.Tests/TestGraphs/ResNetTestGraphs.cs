using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Tests.TestGraphs;

/// <summary>
/// Builds a keras.applications ResNet v1 (ResNet50/101/152) as an IR graph with BatchNorm already folded, for tests
/// whose results depend only on shapes and names (parameter sizes, cut points). Weights are zeros.
/// </summary>
internal static class ResNetTestGraphs
{
    public static ModelGraph ResNet101() => ResNet("resnet101", [3, 4, 23, 3]);

    public static ModelGraph ResNet50() => ResNet("resnet50", [3, 4, 6, 3]);

    public static ModelGraph ResNet(string name, int[] blocks, int size = 224, int classes = 1000)
    {
        var nodes = new List<Node>();
        var input = new Tensor("input_1", [1, size, size, 3]);
        Tensor Emit(OpType op, string outName, int[] shape, Tensor?[] inputs, OpOptions? o = null)
        {
            var t = new Tensor(outName, shape);
            nodes.Add(new Node(outName, op, inputs, [t], o));
            return t;
        }

        Tensor Const(string n, params int[] shape) => new(n, shape, DataType.Float32, new float[shape.Aggregate(1, (a, b) => a * b)]);
        Tensor Conv(string n, Tensor x, int filters, int k, int stride, Padding pad, bool relu, string outName)
        {
            int h = pad == Padding.Same ? (x.Shape[1] + stride - 1) / stride : (x.Shape[1] - k) / stride + 1;
            return Emit(OpType.Conv2D, outName, [1, h, h, filters], [x, Const(n + "/kernel", filters, k, k, x.Shape[3]), Const(n + "/bias", filters)],
                new Conv2DOptions(pad, stride, stride, Activation: relu ? FusedActivation.Relu : FusedActivation.None));
        }

        var x = Emit(OpType.Pad, "conv1_pad", [1, size + 6, size + 6, 3], [input, new Tensor("conv1_pad/paddings", [4, 2], DataType.Int32, new[] { 0, 0, 3, 3, 3, 3, 0, 0 })]);
        x = Conv("conv1_conv", x, 64, 7, 2, Padding.Valid, true, "conv1_relu");
        x = Emit(OpType.Pad, "pool1_pad", [1, x.Shape[1] + 2, x.Shape[2] + 2, 64], [x, new Tensor("pool1_pad/paddings", [4, 2], DataType.Int32, new[] { 0, 0, 1, 1, 1, 1, 0, 0 })]);
        int hw = (x.Shape[1] - 3) / 2 + 1;
        x = Emit(OpType.MaxPool2D, "pool1_pool", [1, hw, hw, 64], [x], new Pool2DOptions(Padding.Valid, 2, 2, 3, 3));

        int[] filters = [64, 128, 256, 512];
        for (int stage = 0; stage < 4; stage++)
        {
            for (int b = 1; b <= blocks[stage]; b++)
            {
                var p = $"conv{stage + 2}_block{b}";
                int f = filters[stage], stride = b == 1 && stage > 0 ? 2 : 1;
                var shortcut = b == 1 ? Conv(p + "_0_conv", x, 4 * f, 1, stride, Padding.Valid, false, p + "_0_bn") : x;
                var y = Conv(p + "_1_conv", x, f, 1, stride, Padding.Valid, true, p + "_1_relu");
                y = Conv(p + "_2_conv", y, f, 3, 1, Padding.Same, true, p + "_2_relu");
                y = Conv(p + "_3_conv", y, 4 * f, 1, 1, Padding.Valid, false, p + "_3_bn");
                x = Emit(OpType.Add, p + "_out", y.Shape, [shortcut, y], new ElementwiseOptions(FusedActivation.Relu));
            }
        }

        x = Emit(OpType.Mean, "avg_pool", [1, 2048], [x, new Tensor("avg_pool/axes", [2], DataType.Int32, new[] { 1, 2 })], new ReducerOptions(false));
        x = Emit(OpType.FullyConnected, "predictions/fc", [1, classes], [x, Const("predictions/kernel", classes, 2048), Const("predictions/bias", classes)], new FullyConnectedOptions());
        x = Emit(OpType.Softmax, "predictions", [1, classes], [x], new SoftmaxOptions());
        return new ModelGraph(name, [input], [x], nodes);
    }
}
