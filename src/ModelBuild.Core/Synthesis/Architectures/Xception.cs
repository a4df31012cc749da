using ModelBuild.Core.Synthesis.Layers;

namespace ModelBuild.Core.Synthesis.Architectures;

/// <summary>
/// keras.applications.Xception (include_top): entry flow, eight middle-flow blocks, exit flow, with keras.applications'
/// names; the strided 1×1 shortcuts, their batch norms and the residual adds carry Keras' automatic names
/// ("conv2d", "batch_normalization", "add" …), so layers are created in the order Xception's code creates them.
/// </summary>
internal static class Xception
{
    private const double Epsilon = 1e-3;
    private const double Momentum = 0.99;

    /// <summary>keras.applications' smallest input for Xception.</summary>
    public const int MinimumInputSize = 71;

    public static SynthModel Build(int inputSize, int classes)
    {
        var names = new KerasAutoNames();
        var input = new InputLayerSpec("input_1", inputSize, inputSize, 3);
        SynthLayer x = new Conv2DLayer("block1_conv1", input, 32, 3, stride: 2, useBias: false);
        x = new BatchNormalizationLayer("block1_conv1_bn", x, Epsilon, Momentum);
        x = new ReluActivationLayer("block1_conv1_act", x);
        x = new Conv2DLayer("block1_conv2", x, 64, 3, useBias: false);
        x = new BatchNormalizationLayer("block1_conv2_bn", x, Epsilon, Momentum);
        x = new ReluActivationLayer("block1_conv2_act", x);

        x = EntryBlock(x, 128, "block2", names, activateFirst: false);
        x = EntryBlock(x, 256, "block3", names, activateFirst: true);
        x = EntryBlock(x, 728, "block4", names, activateFirst: true);

        for (int i = 5; i <= 12; i++)
        {
            var residual = x;
            var prefix = $"block{i}";
            for (int j = 1; j <= 3; j++)
            {
                x = new ReluActivationLayer($"{prefix}_sepconv{j}_act", x);
                x = new SeparableConv2DLayer($"{prefix}_sepconv{j}", x, 728, 3);
                x = new BatchNormalizationLayer($"{prefix}_sepconv{j}_bn", x, Epsilon, Momentum);
            }

            x = new AddLayer(names.Next("add"), x, residual);
        }

        x = EntryBlock(x, 1024, "block13", names, activateFirst: true, firstFilters: 728);

        x = new SeparableConv2DLayer("block14_sepconv1", x, 1536, 3);
        x = new BatchNormalizationLayer("block14_sepconv1_bn", x, Epsilon, Momentum);
        x = new ReluActivationLayer("block14_sepconv1_act", x);
        x = new SeparableConv2DLayer("block14_sepconv2", x, 2048, 3);
        x = new BatchNormalizationLayer("block14_sepconv2_bn", x, Epsilon, Momentum);
        x = new ReluActivationLayer("block14_sepconv2_act", x);

        x = new GlobalAveragePooling2DLayer("avg_pool", x);
        x = new DenseLayer("predictions", x, classes);
        return new SynthModel("xception", input, x);
    }

    /// <summary>
    /// Two separable convolutions and a strided 3×3 max pool, added to a strided 1×1 projection of the block's
    /// input. Block 2 has no ReLU before its first separable convolution (its input just had one).
    /// </summary>
    private static SynthLayer EntryBlock(SynthLayer input, int filters, string prefix, KerasAutoNames names, bool activateFirst, int? firstFilters = null)
    {
        SynthLayer residual = new Conv2DLayer(names.Next("conv2d"), input, filters, 1, stride: 2, same: true, useBias: false);
        residual = new BatchNormalizationLayer(names.Next("batch_normalization"), residual, Epsilon, Momentum);

        var x = activateFirst ? new ReluActivationLayer(prefix + "_sepconv1_act", input) : input;
        x = new SeparableConv2DLayer(prefix + "_sepconv1", x, firstFilters ?? filters, 3);
        x = new BatchNormalizationLayer(prefix + "_sepconv1_bn", x, Epsilon, Momentum);
        x = new ReluActivationLayer(prefix + "_sepconv2_act", x);
        x = new SeparableConv2DLayer(prefix + "_sepconv2", x, filters, 3);
        x = new BatchNormalizationLayer(prefix + "_sepconv2_bn", x, Epsilon, Momentum);
        x = new MaxPooling2DLayer(prefix + "_pool", x, 3, 2, same: true);
        return new AddLayer(names.Next("add"), x, residual);
    }
}
