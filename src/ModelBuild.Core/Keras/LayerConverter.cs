using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Keras;

/// <summary>Turns one Keras layer call into IR nodes. Each layer's last output tensor carries the layer's name.</summary>
internal sealed partial class LayerConverter(string file, GraphEmitter g)
{
    public static readonly string[] SupportedLayers =
    [
        "InputLayer", "Conv2D", "Conv2DTranspose", "DepthwiseConv2D", "SeparableConv2D", "Dense", "BatchNormalization",
        "Activation (linear, relu, relu6, sigmoid, tanh, softmax, swish/silu, hard_sigmoid, hard_swish/hard_silu)",
        "ReLU", "LeakyReLU", "Softmax", "Add", "Subtract", "Multiply", "Maximum", "Minimum", "Average", "Concatenate", "ZeroPadding2D", "Cropping2D", "CenterCrop",
        "MaxPooling2D", "AveragePooling2D", "GlobalAveragePooling2D", "GlobalMaxPooling2D", "Flatten", "Reshape",
        "UpSampling2D", "Normalization", "TFOpLambda (add, subtract, multiply, truediv by a constant, maximum, minimum, relu, relu6, sigmoid, tanh, swish)", "Dropout", "SpatialDropout2D", "GaussianNoise", "GaussianDropout",
        "ActivityRegularization", "Sequential", "Functional", "Model", KerasOperationsSupported, .. PreprocessingLayers,
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
            "Conv2DTranspose" or "Convolution2DTranspose" => Conv2DTranspose(cfg, inputs[0], w),
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
            case "hard_swish" or "hard_silu": return HardSwish(x, outName);
            case "hard_sigmoid": return HardSigmoid(x, outName, keras2Slope: KerasMajor < 3);
            case "swish" or "silu": return Swish(x, outName);
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

    private Padding PaddingOf(KerasConfig cfg) => cfg.String("padding", "valid") switch
    {
        "same" => Padding.Same,
        "valid" => Padding.Valid,
        var p => throw Unsupported($"with padding '{p}'"),
    };
}
