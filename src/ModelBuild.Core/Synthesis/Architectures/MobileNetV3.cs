using ModelBuild.Core.Synthesis.Layers;

namespace ModelBuild.Core.Synthesis.Architectures;

/// <summary>
/// keras.applications.MobileNetV3Small and MobileNetV3Large (alpha 1.0, include_top, include_preprocessing), as
/// each Keras writes them. Keras 2 names layers TensorFlow-style ("Conv/BatchNorm", "expanded_conv_3/depthwise")
/// and builds hard-swish from layers (TFOpLambda add 3, ReLU(6), TFOpLambda multiply 1/6, Multiply); Keras 3 names
/// them "conv_bn", "expanded_conv_3_depthwise", uses Activation("hard_swish"), and records hard-sigmoid's arithmetic
/// as operations (Add, Multiply from keras.src.ops.numpy). Every layer is seeded by its Keras 2 name, so both
/// files carry the same weights.
/// </summary>
internal sealed class MobileNetV3
{
    private const double Epsilon = 1e-3, Momentum = 0.999, SeRatio = 0.25;

    // (expansion, filters, kernel, stride, squeeze-excite, hard-swish rather than relu) per block.
    private static readonly (double Expansion, int Filters, int Kernel, int Stride, bool Se, bool HardSwish)[] SmallBlocks =
    [
        (1, 16, 3, 2, true, false), (72.0 / 16, 24, 3, 2, false, false), (88.0 / 24, 24, 3, 1, false, false),
        (4, 40, 5, 2, true, true), (6, 40, 5, 1, true, true), (6, 40, 5, 1, true, true),
        (3, 48, 5, 1, true, true), (3, 48, 5, 1, true, true),
        (6, 96, 5, 2, true, true), (6, 96, 5, 1, true, true), (6, 96, 5, 1, true, true),
    ];

    private static readonly (double Expansion, int Filters, int Kernel, int Stride, bool Se, bool HardSwish)[] LargeBlocks =
    [
        (1, 16, 3, 1, false, false), (4, 24, 3, 2, false, false), (3, 24, 3, 1, false, false),
        (3, 40, 5, 2, true, false), (3, 40, 5, 1, true, false), (3, 40, 5, 1, true, false),
        (6, 80, 3, 2, false, true), (2.5, 80, 3, 1, false, true), (2.3, 80, 3, 1, false, true), (2.3, 80, 3, 1, false, true),
        (6, 112, 3, 1, true, true), (6, 112, 3, 1, true, true),
        (6, 160, 5, 2, true, true), (6, 160, 5, 1, true, true), (6, 160, 5, 1, true, true),
    ];

    private readonly bool _keras3;
    private readonly KerasAutoNames _auto = new();

    private MobileNetV3(bool keras3) => _keras3 = keras3;

    public static SynthModel Build(bool large, int inputSize, int classes, SynthFileFormat format) =>
        new MobileNetV3(format == SynthFileFormat.KerasArchive).Model(large, inputSize, classes);

    private SynthModel Model(bool large, int inputSize, int classes)
    {
        var input = new InputLayerSpec("input_1", inputSize, inputSize, 3);
        SynthLayer x = new RescalingLayer(_auto.Next("rescaling"), input, 1.0 / 127.5, -1.0);
        x = new Conv2DLayer(Name("Conv", "conv"), x, 16, 3, stride: 2, same: true, useBias: false) { SeedKey = "Conv" };
        x = Bn("Conv/BatchNorm", "conv_bn", x);
        x = HardSwish(x);

        var blocks = large ? LargeBlocks : SmallBlocks;
        for (int id = 0; id < blocks.Length; id++)
        {
            var b = blocks[id];
            x = InvertedResidual(x, b.Expansion, b.Filters, b.Kernel, b.Stride, b.Se, b.HardSwish, id);
        }

        x = new Conv2DLayer(Name("Conv_1", "conv_1"), x, Depth(x.OutputShape[^1] * 6), 1, same: true, useBias: false) { SeedKey = "Conv_1" };
        x = Bn("Conv_1/BatchNorm", "conv_1_bn", x);
        x = HardSwish(x);
        x = new GlobalAveragePooling2DLayer(_auto.Next("global_average_pooling2d"), x, keepdims: true);
        x = new Conv2DLayer(Name("Conv_2", "conv_2"), x, large ? 1280 : 1024, 1, same: true) { SeedKey = "Conv_2" };
        x = HardSwish(x);
        x = new DropoutLayer(_auto.Next("dropout"), x, 0.2);
        x = new Conv2DLayer(Name("Logits", "logits"), x, classes, 1, same: true) { SeedKey = "Logits" };
        x = new FlattenLayer(_auto.Next("flatten"), x);
        x = new ActivationLayer(Name("Predictions", "predictions"), x, SynthActivation.Softmax);
        var name = _keras3 ? (large ? "MobileNetV3Large" : "MobileNetV3Small") : (large ? "MobilenetV3large" : "MobilenetV3small");
        return new SynthModel(name, input, x);
    }

    private SynthLayer InvertedResidual(SynthLayer input, double expansion, int filters, int kernel, int stride, bool se, bool hardSwish, int id)
    {
        string k2 = id == 0 ? "expanded_conv/" : $"expanded_conv_{id}/", k3 = id == 0 ? "expanded_conv_" : $"expanded_conv_{id}_";
        int inFilters = input.OutputShape[^1];
        var x = input;
        if (id > 0)
        {
            x = new Conv2DLayer(Name(k2 + "expand", k3 + "expand"), x, Depth(inFilters * expansion), 1, same: true, useBias: false) { SeedKey = k2 + "expand" };
            x = Bn(k2 + "expand/BatchNorm", k3 + "expand_bn", x);
            x = Activation(x, hardSwish);
        }

        if (stride == 2)
        {
            int h = x.OutputShape[0], w = x.OutputShape[1], half = kernel / 2;
            x = new ZeroPadding2DLayer(Name(k2 + "depthwise/pad", k3 + "depthwise_pad"), x, half - 1 + h % 2, half, half - 1 + w % 2, half);
        }

        x = new DepthwiseConv2DLayer(Name(k2 + "depthwise", k3 + "depthwise"), x, kernel, stride, same: stride == 1) { SeedKey = k2 + "depthwise" };
        x = Bn(k2 + "depthwise/BatchNorm", k3 + "depthwise_bn", x);
        x = Activation(x, hardSwish);
        if (se) x = SqueezeExcite(x, k2, k3);
        x = new Conv2DLayer(Name(k2 + "project", k3 + "project"), x, filters, 1, same: true, useBias: false) { SeedKey = k2 + "project" };
        x = Bn(k2 + "project/BatchNorm", k3 + "project_bn", x);
        return stride == 1 && inFilters == filters ? new AddLayer(Name(k2 + "Add", k3 + "add"), input, x) : x;
    }

    private SynthLayer SqueezeExcite(SynthLayer inputs, string k2, string k3)
    {
        int filters = inputs.OutputShape[^1];
        SynthLayer x = new GlobalAveragePooling2DLayer(Name(k2 + "squeeze_excite/AvgPool", k3 + "squeeze_excite_avg_pool"), inputs, keepdims: true);
        x = new Conv2DLayer(Name(k2 + "squeeze_excite/Conv", k3 + "squeeze_excite_conv"), x, Depth(filters * SeRatio), 1, same: true) { SeedKey = k2 + "squeeze_excite/Conv" };
        x = new ReLULayer(Name(k2 + "squeeze_excite/Relu", k3 + "squeeze_excite_relu"), x, null);
        x = new Conv2DLayer(Name(k2 + "squeeze_excite/Conv_1", k3 + "squeeze_excite_conv_1"), x, filters, 1, same: true) { SeedKey = k2 + "squeeze_excite/Conv_1" };
        x = HardSigmoid(x);
        return new MultiplyLayer(Name(k2 + "squeeze_excite/Mul", k3 + "squeeze_excite_mul"), inputs, x);
    }

    /// <summary>hard_sigmoid(x) = ReLU(6.0)(x + 3.0) * (1.0 / 6.0); the ReLU is created before the addition.</summary>
    private SynthLayer HardSigmoid(SynthLayer x)
    {
        var reluName = _auto.Next("re_lu");
        var plus3 = new ConstantOperandLayer(_auto.Next(_keras3 ? "add" : "tf.__operators__.add"), x, ConstantOperation.Add, 3.0, _keras3);
        var relu6 = new ReLULayer(reluName, plus3, 6.0);
        return new ConstantOperandLayer(_auto.Next(_keras3 ? "multiply" : "tf.math.multiply"), relu6, ConstantOperation.Multiply, 1.0 / 6.0, _keras3);
    }

    /// <summary>Keras 3: Activation("hard_swish"); Keras 2: Multiply()([x, hard_sigmoid(x)]), the Multiply created first.</summary>
    private SynthLayer HardSwish(SynthLayer x)
    {
        if (_keras3) return new ActivationLayer(_auto.Next("activation"), x, SynthActivation.HardSwish);
        var multiplyName = _auto.Next("multiply");
        return new MultiplyLayer(multiplyName, x, HardSigmoid(x));
    }

    private SynthLayer Activation(SynthLayer x, bool hardSwish) => hardSwish ? HardSwish(x) : new ReLULayer(_auto.Next("re_lu"), x, null);

    private BatchNormalizationLayer Bn(string k2, string k3, SynthLayer x) => new(Name(k2, k3), x, Epsilon, Momentum) { SeedKey = k2 };

    private string Name(string k2, string k3) => _keras3 ? k3 : k2;

    /// <summary>keras.applications' _depth: to a multiple of 8, at least 8, never more than 10% below <paramref name="v"/>.</summary>
    private static int Depth(double v)
    {
        int d = Math.Max(8, (int)(v + 4) / 8 * 8);
        return d < 0.9 * v ? d + 8 : d;
    }
}
