using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Tests.TestGraphs;

/// <summary>Small int8 graphs built in code for the Edge TPU checks.</summary>
internal static class EdgeTpuTestGraphs
{
    public static Tensor Act(string name, params int[] shape) => new(name, shape, DataType.Int8) { Quant = QuantParams.PerTensor(0.05f, -3) };

    public static Tensor Weights(string name, params int[] shape)
    {
        var t = new Tensor(name, shape, DataType.Int8);
        var data = new sbyte[t.ElementCount];
        for (int i = 0; i < data.Length; i++) data[i] = (sbyte)((i * 37 % 255) - 127);
        t.Data = data;
        t.Quant = QuantParams.PerTensor(0.01f, 0);
        return t;
    }

    public static Tensor Bias(string name, int n) => new(name, [n], DataType.Int32, new int[n]) { Quant = QuantParams.PerTensor(0.0005f, 0) };

    public static Tensor Ints(string name, params int[] values) => new(name, [values.Length], DataType.Int32, values);

    /// <summary>input 1x16x16x3 → CONV_2D(relu) 8 → MAX_POOL → CONV_2D 16 → MEAN(1,2) → FULLY_CONNECTED 10 → SOFTMAX.</summary>
    public static ModelGraph TypicalInt8ConvNet()
    {
        var x = Act("input", 1, 16, 16, 3);
        var c1 = Act("conv1", 1, 16, 16, 8);
        var p1 = Act("pool1", 1, 8, 8, 8);
        var c2 = Act("conv2", 1, 8, 8, 16);
        var gap = Act("gap", 1, 16);
        var fc = Act("logits", 1, 10);
        var prob = new Tensor("probs", [1, 10], DataType.Int8) { Quant = QuantParams.PerTensor(1f / 256, -128) };
        var nodes = new List<Node>
        {
            new("conv1", OpType.Conv2D, [x, Weights("conv1/w", 8, 3, 3, 3), Bias("conv1/b", 8)], [c1], new Conv2DOptions(Padding.Same, 1, 1, Activation: FusedActivation.Relu)),
            new("pool1", OpType.MaxPool2D, [c1], [p1], new Pool2DOptions(Padding.Valid, 2, 2, 2, 2)),
            new("conv2", OpType.Conv2D, [p1, Weights("conv2/w", 16, 3, 3, 8), Bias("conv2/b", 16)], [c2], new Conv2DOptions(Padding.Same, 1, 1)),
            new("gap", OpType.Mean, [c2, Ints("gap/axes", 1, 2)], [gap], new ReducerOptions(false)),
            new("logits", OpType.FullyConnected, [gap, Weights("logits/w", 10, 16), Bias("logits/b", 10)], [fc], new FullyConnectedOptions()),
            new("probs", OpType.Softmax, [fc], [prob], new SoftmaxOptions(1f)),
        };
        return new ModelGraph("typical_int8", [x], [prob], nodes);
    }

    /// <summary>An int8 CONV_2D, then DEQUANTIZE to float and a float LOGISTIC: the float op must be flagged.</summary>
    public static ModelGraph WithFloatOp()
    {
        var x = Act("input", 1, 8, 8, 3);
        var c1 = Act("conv1", 1, 8, 8, 4);
        var f = new Tensor("conv1/float", [1, 8, 8, 4]);
        var y = new Tensor("sigmoid", [1, 8, 8, 4]);
        return new ModelGraph("float_tail", [x], [y],
        [
            new("conv1", OpType.Conv2D, [x, Weights("conv1/w", 4, 3, 3, 3), Bias("conv1/b", 4)], [c1], new Conv2DOptions(Padding.Same, 1, 1)),
            new("conv1/float", OpType.Dequantize, [c1], [f]),
            new("sigmoid", OpType.Logistic, [f], [y]),
        ]);
    }

    /// <summary>CONV_2D, RESHAPE to 1x2x4x8x4 (5-D: two non-unit dimensions outside the innermost three), RESHAPE back.</summary>
    public static ModelGraph WithFiveDimensionalTensor()
    {
        var x = Act("input", 1, 8, 8, 4);
        var c1 = Act("conv1", 1, 8, 8, 4);
        var r5 = Act("five_d", 1, 2, 4, 8, 4);
        var back = Act("back", 1, 8, 8, 4);
        return new ModelGraph("five_d", [x], [back],
        [
            new("conv1", OpType.Conv2D, [x, Weights("conv1/w", 4, 1, 1, 4), Bias("conv1/b", 4)], [c1], new Conv2DOptions(Padding.Same, 1, 1)),
            new("five_d", OpType.Reshape, [c1, Ints("five_d/shape", 1, 2, 4, 8, 4)], [r5], new ReshapeOptions([1, 2, 4, 8, 4])),
            new("back", OpType.Reshape, [r5, Ints("back/shape", 1, 8, 8, 4)], [back], new ReshapeOptions([1, 8, 8, 4])),
        ]);
    }

    /// <summary>One FULLY_CONNECTED with 9 MiB of int8 weights: more than the on-chip cache.</summary>
    public static ModelGraph TooLargeForOnChip()
    {
        var x = Act("input", 1, 2048);
        var y = Act("out", 1, 4608);
        return new ModelGraph("too_large", [x], [y],
        [
            new("out", OpType.FullyConnected, [x, Weights("out/w", 4608, 2048), Bias("out/b", 4608)], [y], new FullyConnectedOptions()),
        ]);
    }
}
