using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Keras;

/// <summary>The layers that carry trained weights: Conv2D, DepthwiseConv2D, SeparableConv2D, Dense and BatchNormalization.</summary>
internal sealed partial class LayerConverter
{
    private Tensor Conv2D(KerasConfig cfg, Tensor x, LayerWeights w)
    {
        RequireRank(x, 4);
        RequireChannelsLast(cfg);
        if (cfg.Int("groups", 1) != 1) throw Unsupported("with groups > 1");
        var (kh, kw) = cfg.Pair("kernel_size")!.Value;
        var (sh, sw) = cfg.Pair("strides") ?? (1, 1);
        var (dh, dw) = cfg.Pair("dilation_rate") ?? (1, 1);
        var pad = PaddingOf(cfg);
        int cin = x.Shape[3], cout = cfg.Int("filters", 0);
        var kernel = WeightLayouts.HwioToOhwiInPlace(w.Get("kernel", [kh, kw, cin, cout]), kh, kw, cin, cout);
        var bias = cfg.Bool("use_bias", true) ? w.Get("bias", [cout]) : null;
        var outShape = new[] { 1, ShapeMath.WindowOutput(x.Shape[1], kh, sh, dh, pad), ShapeMath.WindowOutput(x.Shape[2], kw, sw, dw, pad), cout };
        var act = cfg.Activation();
        var y = g.Emit(OpType.Conv2D, act == "linear" ? _layer : _layer + "/conv", outShape,
            [x, g.Constant(_layer + "/kernel", [cout, kh, kw, cin], kernel), bias is null ? null : g.Constant(_layer + "/bias", [cout], bias)],
            new Conv2DOptions(pad, sh, sw, dh, dw));
        return Activation(act, y, _layer);
    }

    private Tensor DepthwiseOp(KerasConfig cfg, Tensor x, float[] kernel, float[]? bias, int kh, int kw, string outName)
    {
        var (sh, sw) = cfg.Pair("strides") ?? (1, 1);
        var (dh, dw) = cfg.Pair("dilation_rate") ?? (1, 1);
        var pad = PaddingOf(cfg);
        int c = x.Shape[3], m = cfg.Int("depth_multiplier", 1);
        var outShape = new[] { 1, ShapeMath.WindowOutput(x.Shape[1], kh, sh, dh, pad), ShapeMath.WindowOutput(x.Shape[2], kw, sw, dw, pad), c * m };
        return g.Emit(OpType.DepthwiseConv2D, outName, outShape,
            [x, g.Constant(outName + "/depthwise_kernel", [1, kh, kw, c * m], kernel), bias is null ? null : g.Constant(outName + "/bias", [c * m], bias)],
            new DepthwiseConv2DOptions(pad, sh, sw, m, dh, dw));
    }

    private Tensor Depthwise(KerasConfig cfg, Tensor x, LayerWeights w)
    {
        RequireRank(x, 4);
        RequireChannelsLast(cfg);
        var (kh, kw) = cfg.Pair("kernel_size")!.Value;
        int c = x.Shape[3], m = cfg.Int("depth_multiplier", 1);
        var kernel = w.Get("depthwise_kernel", [kh, kw, c, m]);
        var bias = cfg.Bool("use_bias", true) ? w.Get("bias", [c * m]) : null;
        var act = cfg.Activation();
        var y = DepthwiseOp(cfg, x, kernel, bias, kh, kw, act == "linear" ? _layer : _layer + "/depthwise");
        return Activation(act, y, _layer);
    }

    private Tensor Separable(KerasConfig cfg, Tensor x, LayerWeights w)
    {
        RequireRank(x, 4);
        RequireChannelsLast(cfg);
        var (kh, kw) = cfg.Pair("kernel_size")!.Value;
        int c = x.Shape[3], m = cfg.Int("depth_multiplier", 1), cout = cfg.Int("filters", 0);
        var dwKernel = w.Get("depthwise_kernel", [kh, kw, c, m]);
        var pwKernel = WeightLayouts.HwioToOhwiInPlace(w.Get("pointwise_kernel", [1, 1, c * m, cout]), 1, 1, c * m, cout);
        var bias = cfg.Bool("use_bias", true) ? w.Get("bias", [cout]) : null;
        var dwOut = DepthwiseOp(cfg, x, dwKernel, null, kh, kw, _layer + "/depthwise");
        var act = cfg.Activation();
        var y = g.Emit(OpType.Conv2D, act == "linear" ? _layer : _layer + "/pointwise", [1, dwOut.Shape[1], dwOut.Shape[2], cout],
            [dwOut, g.Constant(_layer + "/pointwise_kernel", [cout, 1, 1, c * m], pwKernel), bias is null ? null : g.Constant(_layer + "/bias", [cout], bias)],
            new Conv2DOptions(Padding.Valid, 1, 1));
        return Activation(act, y, _layer);
    }

    private Tensor Dense(KerasConfig cfg, Tensor x, LayerWeights w)
    {
        int units = cfg.Int("units", 0), cin = x.Shape[^1];
        var kernel = WeightLayouts.TransposeInPlace(w.Get("kernel", [cin, units]), cin, units);
        var bias = cfg.Bool("use_bias", true) ? w.Get("bias", [units]) : null;
        var keep = x.Rank > 2;
        var outShape = keep ? x.Shape[..^1].Append(units).ToArray() : [1, units];
        var act = cfg.Activation();
        var y = g.Emit(OpType.FullyConnected, act == "linear" ? _layer : _layer + "/dense", outShape,
            [x, g.Constant(_layer + "/kernel", [units, cin], kernel), bias is null ? null : g.Constant(_layer + "/bias", [units], bias)],
            new FullyConnectedOptions(KeepNumDims: keep));
        return Activation(act, y, _layer);
    }

    private Tensor BatchNorm(KerasConfig cfg, Tensor x, LayerWeights w)
    {
        var axis = cfg.IntList("axis") ?? [-1];
        if (axis.Length != 1 || (axis[0] != -1 && axis[0] != x.Rank - 1)) throw Unsupported("over an axis other than the channels");
        int c = x.Shape[^1];
        var eps = cfg.Double("epsilon") ?? 1e-3;
        var gamma = cfg.Bool("scale", true) ? w.Get("gamma", [c]) : null;
        var beta = cfg.Bool("center", true) ? w.Get("beta", [c]) : null;
        var mean = w.Get("moving_mean", [c]);
        var variance = w.Get("moving_variance", [c]);
        var scale = new float[c];
        var shift = new float[c];
        for (int i = 0; i < c; i++)
        {
            var s = (gamma?[i] ?? 1.0) / Math.Sqrt(variance[i] + eps);
            scale[i] = (float)s;
            shift[i] = (float)((beta?[i] ?? 0.0) - mean[i] * s);
        }

        var scaled = g.Emit(OpType.Mul, _layer + "/scale", x.Shape, [x, g.Constant(_layer + "/multiplier", [c], scale)], new ElementwiseOptions());
        return g.Emit(OpType.Add, _layer, x.Shape, [scaled, g.Constant(_layer + "/offset", [c], shift)], new ElementwiseOptions());
    }
}
