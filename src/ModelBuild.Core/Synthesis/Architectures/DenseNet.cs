using ModelBuild.Core.Synthesis.Layers;

namespace ModelBuild.Core.Synthesis.Architectures;

/// <summary>
/// keras.applications.DenseNet121 (include_top): the same layers, names ("conv1/conv", "conv2_block1_concat" …),
/// shapes and options. Its two ZeroPadding2D layers carry Keras' automatic names.
/// </summary>
internal static class DenseNet
{
    private const double Epsilon = 1.001e-5;
    private const double Momentum = 0.99;
    private const int GrowthRate = 32;
    private const int ChannelAxis = 3;

    public static SynthModel Build(string name, int[] blocks, int inputSize, int classes)
    {
        var names = new KerasAutoNames();
        var input = new InputLayerSpec("input_1", inputSize, inputSize, 3);
        SynthLayer x = new ZeroPadding2DLayer(names.Next("zero_padding2d"), input, 3, 3, 3, 3);
        x = new Conv2DLayer("conv1/conv", x, 64, 7, stride: 2, useBias: false);
        x = new BatchNormalizationLayer("conv1/bn", x, Epsilon, Momentum, keras3Axis: 3);
        x = new ReluActivationLayer("conv1/relu", x);
        x = new ZeroPadding2DLayer(names.Next("zero_padding2d"), x, 1, 1, 1, 1);
        x = new MaxPooling2DLayer("pool1", x, 3, 2);

        for (int stage = 0; stage < blocks.Length; stage++)
        {
            x = DenseBlock(x, blocks[stage], $"conv{stage + 2}");
            if (stage < blocks.Length - 1) x = Transition(x, $"pool{stage + 2}");
        }

        x = new BatchNormalizationLayer("bn", x, Epsilon, Momentum, keras3Axis: 3);
        x = new ReluActivationLayer("relu", x);
        x = new GlobalAveragePooling2DLayer("avg_pool", x);
        x = new DenseLayer("predictions", x, classes);
        return new SynthModel(name, input, x);
    }

    private static SynthLayer DenseBlock(SynthLayer x, int blocks, string name)
    {
        for (int i = 1; i <= blocks; i++)
        {
            var prefix = $"{name}_block{i}";
            SynthLayer y = new BatchNormalizationLayer(prefix + "_0_bn", x, Epsilon, Momentum, keras3Axis: 3);
            y = new ReluActivationLayer(prefix + "_0_relu", y);
            y = new Conv2DLayer(prefix + "_1_conv", y, 4 * GrowthRate, 1, useBias: false);
            y = new BatchNormalizationLayer(prefix + "_1_bn", y, Epsilon, Momentum, keras3Axis: 3);
            y = new ReluActivationLayer(prefix + "_1_relu", y);
            y = new Conv2DLayer(prefix + "_2_conv", y, GrowthRate, 3, same: true, useBias: false);
            x = new ConcatenateLayer(prefix + "_concat", ChannelAxis, x, y);
        }

        return x;
    }

    /// <summary>Halves the channels (reduction 0.5) and the resolution.</summary>
    private static SynthLayer Transition(SynthLayer x, string name)
    {
        x = new BatchNormalizationLayer(name + "_bn", x, Epsilon, Momentum, keras3Axis: 3);
        x = new ReluActivationLayer(name + "_relu", x);
        x = new Conv2DLayer(name + "_conv", x, x.OutputShape[2] / 2, 1, useBias: false);
        return new AveragePooling2DLayer(name + "_pool", x, 2, 2, same: false);
    }
}
