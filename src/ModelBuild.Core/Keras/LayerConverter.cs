using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Keras;

/// <summary>Turns one Keras layer call into IR nodes. Each layer's last output tensor carries the layer's name.</summary>
internal sealed partial class LayerConverter(string file, GraphEmitter g)
{
    public static readonly string[] SupportedLayers =
    [
        "InputLayer", "Conv2D", "DepthwiseConv2D", "SeparableConv2D", "Dense", "BatchNormalization", "Activation",
        "ReLU", "LeakyReLU", "Softmax", "Add", "Subtract", "Multiply", "Maximum", "Minimum", "Average", "Concatenate", "ZeroPadding2D", "Cropping2D", "CenterCrop",
        "MaxPooling2D", "AveragePooling2D", "GlobalAveragePooling2D", "GlobalMaxPooling2D", "Flatten", "Reshape",
        "UpSampling2D", "Normalization", "TFOpLambda (add, subtract, multiply, truediv by a constant, maximum, minimum, relu, relu6, sigmoid, tanh, swish)", "Dropout", "SpatialDropout2D", "GaussianNoise", "GaussianDropout",
        "ActivityRegularization", "Sequential", "Functional", "Model", .. PreprocessingLayers,
    ];

    private static readonly HashSet<string> Identities =
        ["Dropout", "SpatialDropout1D", "SpatialDropout2D", "GaussianNoise", "GaussianDropout", "AlphaDropout", "ActivityRegularization"];

    private string _layer = "";
    private string _class = "";

    public Tensor Convert(string layer, string className, KerasConfig cfg, IReadOnlyList<Tensor> inputs, LayerWeights w, System.Text.Json.Nodes.JsonObject? kwargs = null)
    {
        _layer = layer;
        _class = className;
        g.Current = (layer, className);
        if (Identities.Contains(className)) return inputs[0];
        if (TryPreprocessing(className, cfg, inputs, out var preprocessed)) return preprocessed;
        return className switch
        {
            "Conv2D" or "Convolution2D" => Conv2D(cfg, inputs[0], w),
            "DepthwiseConv2D" => Depthwise(cfg, inputs[0], w),
            "SeparableConv2D" or "SeparableConvolution2D" => Separable(cfg, inputs[0], w),
            "Dense" => Dense(cfg, inputs[0], w),
            "BatchNormalization" => BatchNorm(cfg, inputs[0], w),
            "Activation" => Activation(cfg.Activation(), inputs[0], layer),
            "ReLU" => ReluLayer(cfg, inputs[0]),
            "LeakyReLU" => LeakyRelu((float)(cfg.Double("negative_slope") ?? cfg.Double("alpha") ?? 0.3), inputs[0], layer),
            "Softmax" => Softmax(cfg, inputs[0]),
            "Add" => Chain(OpType.Add, inputs),
            "Subtract" => Chain(OpType.Sub, inputs),
            "Multiply" => Chain(OpType.Mul, inputs),
            "Maximum" => Chain(OpType.Maximum, inputs),
            "Minimum" => Chain(OpType.Minimum, inputs),
            "Average" => Average(inputs),
            "Concatenate" => Concatenate(cfg, inputs),
            "ZeroPadding2D" => ZeroPadding(cfg, inputs[0]),
            "Cropping2D" or "CenterCrop" => Crop(cfg, inputs[0]),
            "MaxPooling2D" or "MaxPool2D" => Pool(OpType.MaxPool2D, cfg, inputs[0]),
            "AveragePooling2D" or "AvgPool2D" => Pool(OpType.AveragePool2D, cfg, inputs[0]),
            "GlobalAveragePooling2D" or "GlobalAvgPool2D" => GlobalPool(OpType.Mean, cfg, inputs[0]),
            "GlobalMaxPooling2D" or "GlobalMaxPool2D" => GlobalPool(OpType.ReduceMax, cfg, inputs[0]),
            "Flatten" => Reshape(inputs[0], [1, (int)(inputs[0].ElementCount / inputs[0].Shape[0])]),
            "Reshape" => ReshapeLayer(cfg, inputs[0]),
            "UpSampling2D" => UpSampling(cfg, inputs[0]),
            "Normalization" => Normalization(cfg, inputs[0], w),
            "TFOpLambda" => TfOp(cfg, inputs, kwargs),
            _ => throw Unsupported(),
        };
    }

    private ModelBuildException Unsupported(string? what = null) => new("MB1003", file,
        $"layer '{_layer}' ({_class}){(what is null ? "" : " " + what)} is not supported; supported layers: {string.Join(", ", SupportedLayers)}. Replace it in the model or remove it before saving.");

    private void RequireRank(Tensor x, int rank)
    {
        if (x.Rank != rank)
            throw new ModelBuildException("MB1007", file,
                $"layer '{_layer}' ({_class}) expects a rank-{rank} input but receives [{string.Join(", ", x.Shape)}]; only channels_last image models are supported.");
    }

    private void RequireChannelsLast(KerasConfig cfg)
    {
        if (cfg.String("data_format", "channels_last") != "channels_last") throw Unsupported("with data_format channels_first");
    }

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
        var kernel = WeightLayouts.HwioToOhwi(w.Get("kernel", [kh, kw, cin, cout]), kh, kw, cin, cout);
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
        var pwKernel = WeightLayouts.HwioToOhwi(w.Get("pointwise_kernel", [1, 1, c * m, cout]), 1, 1, c * m, cout);
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
        var kernel = WeightLayouts.Transpose(w.Get("kernel", [cin, units]), cin, units);
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

    /// <summary>Applies a Keras activation by name; "linear" returns <paramref name="x"/> itself.</summary>
    private Tensor Activation(string act, Tensor x, string outName)
    {
        switch (act)
        {
            case "linear": return x;
            case "relu": return g.Emit(OpType.Relu, outName, x.Shape, [x]);
            case "relu6": return g.Emit(OpType.Relu6, outName, x.Shape, [x]);
            case "sigmoid": return g.Emit(OpType.Logistic, outName, x.Shape, [x]);
            case "tanh": return g.Emit(OpType.Tanh, outName, x.Shape, [x]);
            case "softmax": return g.Emit(OpType.Softmax, outName, x.Shape, [x], new SoftmaxOptions());
            case "hard_swish" or "hard_silu": return g.Emit(OpType.HardSwish, outName, x.Shape, [x]);
            case "swish" or "silu":
                var sig = g.Emit(OpType.Logistic, outName + "/sigmoid", x.Shape, [x]);
                return g.Emit(OpType.Mul, outName, x.Shape, [x, sig], new ElementwiseOptions());
            default: throw Unsupported($"with activation '{act}'");
        }
    }

    private Tensor ReluLayer(KerasConfig cfg, Tensor x)
    {
        var max = cfg.Double("max_value");
        var slope = cfg.Double("negative_slope") ?? 0;
        var threshold = cfg.Double("threshold") ?? 0;
        if (threshold != 0) throw Unsupported("with a non-zero threshold");
        if (slope != 0)
        {
            if (max is null) return LeakyRelu((float)slope, x, _layer);
            var leaky = LeakyRelu((float)slope, x, _layer + "/leaky");
            return g.Emit(OpType.Minimum, _layer, x.Shape, [leaky, g.Constant(_layer + "/max_value", [1], [(float)max.Value])]);
        }

        if (max is null) return g.Emit(OpType.Relu, _layer, x.Shape, [x]);
        if (max == 6) return g.Emit(OpType.Relu6, _layer, x.Shape, [x]);
        var relu = g.Emit(OpType.Relu, _layer + "/relu", x.Shape, [x]);
        return g.Emit(OpType.Minimum, _layer, x.Shape, [relu, g.Constant(_layer + "/max_value", [1], [(float)max.Value])]);
    }

    private Tensor LeakyRelu(float alpha, Tensor x, string outName) =>
        g.Emit(OpType.LeakyRelu, outName, x.Shape, [x], new LeakyReluOptions(alpha));

    private Tensor Softmax(KerasConfig cfg, Tensor x)
    {
        var axis = cfg.IntList("axis") ?? [-1];
        if (axis.Length != 1 || (axis[0] != -1 && axis[0] != x.Rank - 1)) throw Unsupported("over an axis other than the last");
        return g.Emit(OpType.Softmax, _layer, x.Shape, [x], new SoftmaxOptions());
    }

    private Tensor Chain(OpType op, IReadOnlyList<Tensor> inputs, bool average = false)
    {
        if (inputs.Count < 2) throw Unsupported("with fewer than two inputs");
        var acc = inputs[0];
        for (int i = 1; i < inputs.Count; i++)
        {
            var b = inputs[i];
            var shape = acc.ElementCount >= b.ElementCount ? acc.Shape : b.Shape;
            acc = g.Emit(op, i == inputs.Count - 1 && !average ? _layer : $"{_layer}/{i}", shape, [acc, b],
                op is OpType.Maximum or OpType.Minimum ? null : new ElementwiseOptions());
        }

        return acc;
    }

    private Tensor Average(IReadOnlyList<Tensor> inputs)
    {
        var sum = Chain(OpType.Add, inputs, average: true);
        return g.Emit(OpType.Mul, _layer, sum.Shape, [sum, g.Constant(_layer + "/reciprocal", [1], [1f / inputs.Count])], new ElementwiseOptions());
    }

    private Tensor Concatenate(KerasConfig cfg, IReadOnlyList<Tensor> inputs)
    {
        var rank = inputs[0].Rank;
        var axis = cfg.Int("axis", -1);
        if (axis < 0) axis += rank;
        var shape = (int[])inputs[0].Shape.Clone();
        shape[axis] = inputs.Sum(t => t.Shape[axis]);
        return g.Emit(OpType.Concatenation, _layer, shape, inputs.ToList(), new ConcatenationOptions(axis));
    }

    private Tensor ZeroPadding(KerasConfig cfg, Tensor x)
    {
        RequireRank(x, 4);
        RequireChannelsLast(cfg);
        int top, bottom, left, right;
        var node = cfg.Json["padding"];
        if (node is System.Text.Json.Nodes.JsonArray a && a[0] is System.Text.Json.Nodes.JsonArray)
        {
            top = (int)a[0]![0]!.GetValue<double>();
            bottom = (int)a[0]![1]!.GetValue<double>();
            left = (int)a[1]![0]!.GetValue<double>();
            right = (int)a[1]![1]!.GetValue<double>();
        }
        else
        {
            var (ph, pw) = cfg.Pair("padding") ?? (1, 1);
            (top, bottom, left, right) = (ph, ph, pw, pw);
        }

        var shape = new[] { 1, x.Shape[1] + top + bottom, x.Shape[2] + left + right, x.Shape[3] };
        return g.Emit(OpType.Pad, _layer, shape, [x, g.IntConstant(_layer + "/paddings", [4, 2], [0, 0, top, bottom, left, right, 0, 0])]);
    }

    private Tensor Pool(OpType op, KerasConfig cfg, Tensor x)
    {
        RequireRank(x, 4);
        RequireChannelsLast(cfg);
        var (fh, fw) = cfg.Pair("pool_size") ?? (2, 2);
        var (sh, sw) = cfg.Pair("strides") ?? (fh, fw);
        var pad = PaddingOf(cfg);
        var shape = new[] { 1, ShapeMath.WindowOutput(x.Shape[1], fh, sh, 1, pad), ShapeMath.WindowOutput(x.Shape[2], fw, sw, 1, pad), x.Shape[3] };
        return g.Emit(op, _layer, shape, [x], new Pool2DOptions(pad, sh, sw, fh, fw));
    }

    private Tensor GlobalPool(OpType op, KerasConfig cfg, Tensor x)
    {
        RequireRank(x, 4);
        RequireChannelsLast(cfg);
        var keep = cfg.Bool("keepdims", false);
        int[] shape = keep ? [1, 1, 1, x.Shape[3]] : [1, x.Shape[3]];
        return g.Emit(op, _layer, shape, [x, g.IntConstant(_layer + "/axes", [1, 2])], new ReducerOptions(keep));
    }

    private Tensor Reshape(Tensor x, int[] shape) =>
        g.Emit(OpType.Reshape, _layer, shape, [x, g.IntConstant(_layer + "/shape", shape)], new ReshapeOptions(shape));

    private Tensor ReshapeLayer(KerasConfig cfg, Tensor x)
    {
        var target = cfg.IntList("target_shape") ?? throw Unsupported("without a target_shape");
        var total = x.ElementCount;
        var known = target.Where(d => d != -1).Aggregate(1L, (a, d) => a * d);
        var shape = new[] { 1 }.Concat(target.Select(d => d == -1 ? (int)(total / known) : d)).ToArray();
        if (shape.Aggregate(1L, (a, d) => a * d) != total)
            throw new ModelBuildException("MB1007", file, $"layer '{_layer}' ({_class}): cannot reshape [{string.Join(", ", x.Shape)}] to [{string.Join(", ", shape)}].");
        return Reshape(x, shape);
    }

    private Tensor UpSampling(KerasConfig cfg, Tensor x)
    {
        RequireRank(x, 4);
        RequireChannelsLast(cfg);
        if (cfg.String("interpolation", "nearest") != "nearest") throw Unsupported($"with interpolation '{cfg.String("interpolation", "")}'");
        var (fh, fw) = cfg.Pair("size") ?? (2, 2);
        int h = x.Shape[1] * fh, w = x.Shape[2] * fw;
        return g.Emit(OpType.ResizeNearestNeighbor, _layer, [1, h, w, x.Shape[3]], [x, g.IntConstant(_layer + "/size", [h, w])], new ResizeOptions());
    }

    /// <summary>A Keras 2 TFOpLambda (a raw TensorFlow function applied in a functional model, e.g. `x + 3.0`).</summary>
    private Tensor TfOp(KerasConfig cfg, IReadOnlyList<Tensor> inputs, System.Text.Json.Nodes.JsonObject? kwargs)
    {
        var fn = cfg.String("function", "");
        var x = inputs[0];
        switch (fn)
        {
            case "nn.relu": return Activation("relu", x, _layer);
            case "nn.relu6": return Activation("relu6", x, _layer);
            case "math.sigmoid" or "nn.sigmoid": return Activation("sigmoid", x, _layer);
            case "math.tanh" or "nn.tanh": return Activation("tanh", x, _layer);
            case "nn.swish" or "nn.silu": return Activation("swish", x, _layer);
        }

        OpType? op = fn switch
        {
            "__operators__.add" or "math.add" => OpType.Add,
            "math.subtract" => OpType.Sub,
            "math.multiply" or "math.truediv" => OpType.Mul,
            "math.maximum" => OpType.Maximum,
            "math.minimum" => OpType.Minimum,
            _ => null,
        };
        if (op is null) throw Unsupported($"(function '{fn}')");
        Tensor y;
        if (inputs.Count > 1)
        {
            if (fn == "math.truediv") throw Unsupported("(function 'math.truediv' by a tensor)");
            y = inputs[1];
        }
        else
        {
            var yCfg = new KerasConfig(kwargs ?? []);
            if (!yCfg.Has("y")) throw Unsupported($"(function '{fn}' without a second operand)");
            var values = ConstantList(yCfg, "y", 0, x);
            if (fn == "math.truediv") values = values.Select(v => 1 / v).ToArray();
            y = g.Constant(_layer + "/y", [values.Length], values);
        }

        var shape = x.ElementCount >= y.ElementCount ? x.Shape : y.Shape;
        return g.Emit(op.Value, _layer, shape, [x, y], op is OpType.Maximum or OpType.Minimum ? null : new ElementwiseOptions());
    }

    /// <summary>A number or a per-channel list from the config (Rescaling's scale/offset, Normalization's mean/variance).</summary>
    private float[] ConstantList(KerasConfig cfg, string key, float fallback, Tensor x)
    {
        if (!cfg.Json.TryGetPropertyValue(key, out var v) || v is null) return [fallback];
        var values = v is System.Text.Json.Nodes.JsonArray a
            ? Flatten(a).ToArray()
            : [(float)v.GetValue<double>()];
        if (values.Length != 1 && values.Length != x.Shape[^1])
            throw Unsupported($"with a '{key}' of {values.Length} values for {x.Shape[^1]} channels");
        return values;

        static IEnumerable<float> Flatten(System.Text.Json.Nodes.JsonArray a) =>
            a.SelectMany(e => e is System.Text.Json.Nodes.JsonArray inner ? Flatten(inner) : [(float)e!.GetValue<double>()]);
    }

    /// <summary>keras.layers.Normalization: (x - mean) / max(sqrt(variance), 1e-7), from its weights or its config.</summary>
    private Tensor Normalization(KerasConfig cfg, Tensor x, LayerWeights w)
    {
        if (cfg.Bool("invert", false)) throw Unsupported("with invert=True");
        var axis = cfg.IntList("axis") ?? [-1];
        if (axis.Length != 1 || (axis[0] != -1 && axis[0] != x.Rank - 1)) throw Unsupported("over an axis other than the channels");
        int c = x.Shape[^1];
        float[] mean, variance;
        if (cfg.Has("mean") && cfg.Has("variance"))
        {
            mean = ConstantList(cfg, "mean", 0, x);
            variance = ConstantList(cfg, "variance", 1, x);
        }
        else
        {
            mean = w.GetAnyShape("mean", c);
            variance = w.GetAnyShape("variance", c);
        }

        var n = Math.Max(mean.Length, variance.Length);
        var scale = new float[n];
        var shift = new float[n];
        for (int i = 0; i < n; i++)
        {
            var m = mean[mean.Length == 1 ? 0 : i];
            var sd = Math.Max(Math.Sqrt(variance[variance.Length == 1 ? 0 : i]), 1e-7);
            scale[i] = (float)(1 / sd);
            shift[i] = (float)(-m / sd);
        }

        var scaled = g.Emit(OpType.Mul, _layer + "/scale", x.Shape, [x, g.Constant(_layer + "/multiplier", [n], scale)], new ElementwiseOptions());
        return g.Emit(OpType.Add, _layer, x.Shape, [scaled, g.Constant(_layer + "/offset", [n], shift)], new ElementwiseOptions());
    }

    private Padding PaddingOf(KerasConfig cfg) => cfg.String("padding", "valid") switch
    {
        "same" => Padding.Same,
        "valid" => Padding.Valid,
        var p => throw Unsupported($"with padding '{p}'"),
    };
}
