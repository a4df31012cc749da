using ModelBuild.Core.Synthesis.Layers;

namespace ModelBuild.Core.Synthesis.Architectures;

/// <summary>
/// keras.applications.ResNet50/101/152 (v1, include_top): the same layers, names, shapes and layer options.
/// The last batch norm of each residual branch gets a small gamma, as in trained ResNets, so the trunk's
/// activations grow slowly over the 23 or 36 blocks of conv4 instead of doubling.
/// </summary>
internal static class ResNetV1
{
    private const double Epsilon = 1.001e-5;
    private const double Momentum = 0.99;

    public static SynthModel Build(string name, int[] blocks, int inputSize, int classes)
    {
        var input = new InputLayerSpec("input_1", inputSize, inputSize, 3);
        SynthLayer x = new ZeroPadding2DLayer("conv1_pad", input, 3, 3, 3, 3);
        x = new Conv2DLayer("conv1_conv", x, 64, 7, stride: 2);
        x = new BatchNormalizationLayer("conv1_bn", x, Epsilon, Momentum, keras3Axis: 3);
        x = new ReluActivationLayer("conv1_relu", x);
        x = new ZeroPadding2DLayer("pool1_pad", x, 1, 1, 1, 1);
        x = new MaxPooling2DLayer("pool1_pool", x, 3, 2);

        x = Stack(x, 64, blocks[0], firstStride: 1, "conv2");
        x = Stack(x, 128, blocks[1], firstStride: 2, "conv3");
        x = Stack(x, 256, blocks[2], firstStride: 2, "conv4");
        x = Stack(x, 512, blocks[3], firstStride: 2, "conv5");

        x = new GlobalAveragePooling2DLayer("avg_pool", x);
        x = new DenseLayer("predictions", x, classes);
        return new SynthModel(name, input, x);
    }

    private static SynthLayer Stack(SynthLayer x, int filters, int blocks, int firstStride, string name)
    {
        x = Block(x, filters, firstStride, convShortcut: true, $"{name}_block1");
        for (int i = 2; i <= blocks; i++) x = Block(x, filters, 1, convShortcut: false, $"{name}_block{i}");
        return x;
    }

    private static SynthLayer Block(SynthLayer x, int filters, int stride, bool convShortcut, string name)
    {
        var shortcut = convShortcut
            ? new BatchNormalizationLayer($"{name}_0_bn", new Conv2DLayer($"{name}_0_conv", x, 4 * filters, 1, stride), Epsilon, Momentum, keras3Axis: 3)
            : x;
        SynthLayer y = new Conv2DLayer($"{name}_1_conv", x, filters, 1, stride);
        y = new BatchNormalizationLayer($"{name}_1_bn", y, Epsilon, Momentum, keras3Axis: 3);
        y = new ReluActivationLayer($"{name}_1_relu", y);
        y = new Conv2DLayer($"{name}_2_conv", y, filters, 3, 1, same: true);
        y = new BatchNormalizationLayer($"{name}_2_bn", y, Epsilon, Momentum, keras3Axis: 3);
        y = new ReluActivationLayer($"{name}_2_relu", y);
        y = new Conv2DLayer($"{name}_3_conv", y, 4 * filters, 1);
        y = new BatchNormalizationLayer($"{name}_3_bn", y, Epsilon, Momentum, gammaLow: 0.1f, gammaHigh: 0.3f);
        var sum = new AddLayer($"{name}_add", shortcut, y);
        return new ReluActivationLayer($"{name}_out", sum);
    }
}
