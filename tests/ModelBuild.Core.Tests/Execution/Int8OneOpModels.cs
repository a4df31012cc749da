using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Tests.Execution;

/// <summary>Small float graphs holding one op each (plus random weights), the unit of the int8 agreement tests.</summary>
internal static class Int8OneOpModels
{
    /// <summary>Amplitude of the random values for each model input: input i is uniform in [-a_i, a_i].</summary>
    public static float[] Amplitudes(ModelGraph g)
    {
        var parts = g.Name.Split('_');
        float a = parts.Length > 1 ? float.Parse(parts[^1], System.Globalization.CultureInfo.InvariantCulture) : 1f;
        return g.Inputs.Count == 2 ? [1f, a] : [a];
    }

    public static IEnumerable<(string Name, ModelGraph Graph)> All(int seed = 1)
    {
        var r = new Random(seed);
        yield return ("conv_same_s1_relu", Conv(r, [1, 9, 9, 5], 7, 3, 3, 1, Padding.Same, 1, FusedActivation.Relu));
        yield return ("conv_valid_s2", Conv(r, [1, 11, 10, 3], 4, 3, 3, 2, Padding.Valid, 1, FusedActivation.None));
        yield return ("conv_same_s2_relu6_1x1", Conv(r, [1, 8, 8, 20], 16, 1, 1, 2, Padding.Same, 1, FusedActivation.Relu6));
        yield return ("conv_dilated", Conv(r, [1, 12, 12, 4], 6, 3, 3, 1, Padding.Same, 2, FusedActivation.None));
        yield return ("depthwise_s1_relu6", Depthwise(r, [1, 10, 10, 8], 1, 3, 1, Padding.Same, FusedActivation.Relu6));
        yield return ("depthwise_s2_m2_valid", Depthwise(r, [1, 9, 9, 3], 2, 3, 2, Padding.Valid, FusedActivation.None));
        yield return ("fully_connected", Fc(r, [1, 40], 10));
        yield return ("add", Binary(OpType.Add, [1, 5, 5, 6], [1, 5, 5, 6], 2f));
        yield return ("add_broadcast_relu", Binary(OpType.Add, [1, 4, 4, 6], [1, 1, 1, 6], 0.5f, FusedActivation.Relu));
        yield return ("sub", Binary(OpType.Sub, [1, 4, 4, 6], [1, 4, 4, 6], 3f));
        yield return ("mul", Binary(OpType.Mul, [1, 4, 4, 6], [1, 4, 4, 6], 1.5f));
        yield return ("maxpool_2x2", Pool(OpType.MaxPool2D, [1, 8, 8, 4], 2, 2, Padding.Valid));
        yield return ("maxpool_3x3_s2_same", Pool(OpType.MaxPool2D, [1, 9, 9, 4], 3, 2, Padding.Same));
        yield return ("maxpool_3x3_s2_same_relu_35ch", Pool(OpType.MaxPool2D, [1, 9, 9, 35], 3, 2, Padding.Same, FusedActivation.Relu));
        yield return ("avgpool_3x3_s2_same", Pool(OpType.AveragePool2D, [1, 9, 9, 4], 3, 2, Padding.Same));
        yield return ("avgpool_2x2", Pool(OpType.AveragePool2D, [1, 8, 8, 4], 2, 2, Padding.Valid));
        yield return ("mean_keepdims", Mean(OpType.Mean, [1, 7, 7, 12], keepDims: true));
        yield return ("mean", Mean(OpType.Mean, [1, 7, 7, 12], keepDims: false));
        yield return ("reduce_max", Mean(OpType.ReduceMax, [1, 5, 5, 6], keepDims: false));
        yield return ("concatenation", Concat([1, 4, 4, 3], [1, 4, 4, 5]));
        yield return ("pad", Unary(OpType.Pad, [1, 5, 5, 3], [1, 7, 8, 3], extra: new Tensor("paddings", [4, 2], DataType.Int32, new[] { 0, 0, 1, 1, 1, 2, 0, 0 })));
        yield return ("reshape", Unary(OpType.Reshape, [1, 3, 4, 5], [1, 60], new ReshapeOptions([1, 60]), new Tensor("shape", [2], DataType.Int32, new[] { 1, 60 })));
        yield return ("softmax", Unary(OpType.Softmax, [1, 10], [1, 10], new SoftmaxOptions(), scale: 4f));
        yield return ("logistic", Unary(OpType.Logistic, [1, 4, 4, 3], [1, 4, 4, 3], scale: 6f));
        yield return ("tanh", Unary(OpType.Tanh, [1, 4, 4, 3], [1, 4, 4, 3], scale: 3f));
        yield return ("relu", Unary(OpType.Relu, [1, 4, 4, 3], [1, 4, 4, 3], scale: 3f));
        yield return ("relu6", Unary(OpType.Relu6, [1, 4, 4, 3], [1, 4, 4, 3], scale: 8f));
        yield return ("leaky_relu", Unary(OpType.LeakyRelu, [1, 4, 4, 3], [1, 4, 4, 3], new LeakyReluOptions(0.2f), scale: 3f));
        yield return ("hard_swish", Unary(OpType.HardSwish, [1, 4, 4, 3], [1, 4, 4, 3], scale: 5f));
        yield return ("resize_nearest_2x", Unary(OpType.ResizeNearestNeighbor, [1, 3, 4, 2], [1, 6, 8, 2], new ResizeOptions(), new Tensor("size", [2], DataType.Int32, new[] { 6, 8 })));
        yield return ("resize_nearest_align_corners", Unary(OpType.ResizeNearestNeighbor, [1, 3, 3, 2], [1, 5, 5, 2], new ResizeOptions(AlignCorners: true), new Tensor("size", [2], DataType.Int32, new[] { 5, 5 })));
        yield return ("resize_nearest_half_pixel", Unary(OpType.ResizeNearestNeighbor, [1, 3, 5, 2], [1, 5, 3, 2], new ResizeOptions(HalfPixelCenters: true), new Tensor("size", [2], DataType.Int32, new[] { 5, 3 })));
        yield return ("relu_n1_to_1", Unary(OpType.ReluN1To1, [1, 4, 4, 3], [1, 4, 4, 3], scale: 2f));
        yield return ("maximum", Binary(OpType.Maximum, [1, 4, 4, 3], [1, 4, 4, 3], 1f));
        yield return ("minimum", Binary(OpType.Minimum, [1, 4, 4, 3], [1, 4, 4, 3], 1f));
    }

    private static float[] RandomData(Random r, int n, float scale) => Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 2 - 1) * scale).ToArray();

    private static int[] ConvOut(int[] x, int kh, int kw, int stride, Padding p, int dilation, int oc)
    {
        int eh = (kh - 1) * dilation + 1, ew = (kw - 1) * dilation + 1;
        int oh = p == Padding.Same ? (x[1] + stride - 1) / stride : (x[1] - eh + stride) / stride;
        int ow = p == Padding.Same ? (x[2] + stride - 1) / stride : (x[2] - ew + stride) / stride;
        return [1, oh, ow, oc];
    }

    private static ModelGraph Conv(Random r, int[] xs, int oc, int kh, int kw, int stride, Padding p, int dilation, FusedActivation act)
    {
        var x = new Tensor("input", xs);
        var w = new Tensor("conv/weights", [oc, kh, kw, xs[3]], DataType.Float32, RandomData(r, oc * kh * kw * xs[3], 0.5f));
        var b = new Tensor("conv/bias", [oc], DataType.Float32, RandomData(r, oc, 0.3f));
        var y = new Tensor("conv", ConvOut(xs, kh, kw, stride, p, dilation, oc));
        var n = new Node("conv", OpType.Conv2D, [x, w, b], [y], new Conv2DOptions(p, stride, stride, dilation, dilation, act));
        return new ModelGraph("conv", [x], [y], [n]);
    }

    private static ModelGraph Depthwise(Random r, int[] xs, int m, int k, int stride, Padding p, FusedActivation act)
    {
        int oc = xs[3] * m;
        var x = new Tensor("input", xs);
        var w = new Tensor("dw/weights", [1, k, k, oc], DataType.Float32, RandomData(r, k * k * oc, 0.8f));
        var b = new Tensor("dw/bias", [oc], DataType.Float32, RandomData(r, oc, 0.3f));
        var y = new Tensor("dw", ConvOut(xs, k, k, stride, p, 1, oc));
        var n = new Node("dw", OpType.DepthwiseConv2D, [x, w, b], [y], new DepthwiseConv2DOptions(p, stride, stride, m, 1, 1, act));
        return new ModelGraph("dw", [x], [y], [n]);
    }

    private static ModelGraph Fc(Random r, int[] xs, int outs)
    {
        var x = new Tensor("input", xs);
        var w = new Tensor("fc/weights", [outs, xs[1]], DataType.Float32, RandomData(r, outs * xs[1], 0.3f));
        var b = new Tensor("fc/bias", [outs], DataType.Float32, RandomData(r, outs, 0.5f));
        var y = new Tensor("fc", [1, outs]);
        var n = new Node("fc", OpType.FullyConnected, [x, w, b], [y], new FullyConnectedOptions());
        return new ModelGraph("fc", [x], [y], [n]);
    }

    /// <summary>Two runtime inputs; the second is scaled by <paramref name="bScale"/> relative to the first (different quantization).</summary>
    private static ModelGraph Binary(OpType op, int[] a, int[] b, float bScale, FusedActivation act = FusedActivation.None)
    {
        var x = new Tensor("input", a);
        var z = new Tensor("input_b", b);
        var outShape = a.Zip(b, Math.Max).ToArray();
        var y = new Tensor("out", outShape);
        OpOptions? o = op is OpType.Add or OpType.Sub or OpType.Mul ? new ElementwiseOptions(act) : null;
        var n = new Node("out", op, [x, z], [y], o);
        return new ModelGraph("binary_" + bScale.ToString(System.Globalization.CultureInfo.InvariantCulture), [x, z], [y], [n]);
    }

    private static ModelGraph Pool(OpType op, int[] xs, int f, int stride, Padding p, FusedActivation act = FusedActivation.None)
    {
        var x = new Tensor("input", xs);
        var y = new Tensor("pool", ConvOut(xs, f, f, stride, p, 1, xs[3]));
        var n = new Node("pool", op, [x], [y], new Pool2DOptions(p, stride, stride, f, f, act));
        return new ModelGraph("pool", [x], [y], [n]);
    }

    private static ModelGraph Mean(OpType op, int[] xs, bool keepDims)
    {
        var x = new Tensor("input", xs);
        var axes = new Tensor("axes", [2], DataType.Int32, new[] { 1, 2 });
        var y = new Tensor("mean", keepDims ? [1, 1, 1, xs[3]] : [1, xs[3]]);
        var n = new Node("mean", op, [x, axes], [y], new ReducerOptions(keepDims));
        return new ModelGraph("mean", [x], [y], [n]);
    }

    private static ModelGraph Concat(int[] a, int[] b)
    {
        var x = new Tensor("input", a);
        var z = new Tensor("input_b", b);
        var y = new Tensor("concat", [a[0], a[1], a[2], a[3] + b[3]]);
        var n = new Node("concat", OpType.Concatenation, [x, z], [y], new ConcatenationOptions(3));
        return new ModelGraph("concat_3", [x, z], [y], [n]);
    }

    private static ModelGraph Unary(OpType op, int[] xs, int[] ys, OpOptions? options = null, Tensor? extra = null, float scale = 1f)
    {
        var x = new Tensor("input", xs);
        var y = new Tensor("out", ys);
        var n = new Node("out", op, extra is null ? [x] : [x, extra], [y], options);
        return new ModelGraph("unary_" + scale.ToString(System.Globalization.CultureInfo.InvariantCulture), [x], [y], [n]);
    }
}
