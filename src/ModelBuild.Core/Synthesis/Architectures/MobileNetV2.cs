using System.Globalization;
using ModelBuild.Core.Synthesis.Layers;

namespace ModelBuild.Core.Synthesis.Architectures;

/// <summary>keras.applications.MobileNetV2 with alpha 1.0 and include_top: the same layers, names, shapes and options.</summary>
internal static class MobileNetV2
{
    private const double Epsilon = 1e-3;
    private const double Momentum = 0.999;

    // (filters, stride, expansion) of blocks 0..16.
    private static readonly (int Filters, int Stride, int Expansion)[] Blocks =
    [
        (16, 1, 1),
        (24, 2, 6), (24, 1, 6),
        (32, 2, 6), (32, 1, 6), (32, 1, 6),
        (64, 2, 6), (64, 1, 6), (64, 1, 6), (64, 1, 6),
        (96, 1, 6), (96, 1, 6), (96, 1, 6),
        (160, 2, 6), (160, 1, 6), (160, 1, 6),
        (320, 1, 6),
    ];

    public static SynthModel Build(int inputSize, int classes)
    {
        var input = new InputLayerSpec("input_1", inputSize, inputSize, 3);
        SynthLayer x = new Conv2DLayer("Conv1", input, 32, 3, stride: 2, same: true, useBias: false);
        x = new BatchNormalizationLayer("bn_Conv1", x, Epsilon, Momentum);
        x = new ReLULayer("Conv1_relu", x, 6.0);

        for (int id = 0; id < Blocks.Length; id++)
            x = InvertedResidual(x, Blocks[id].Filters, Blocks[id].Stride, Blocks[id].Expansion, id);

        x = new Conv2DLayer("Conv_1", x, 1280, 1, useBias: false);
        x = new BatchNormalizationLayer("Conv_1_bn", x, Epsilon, Momentum);
        x = new ReLULayer("out_relu", x, 6.0);
        x = new GlobalAveragePooling2DLayer("global_average_pooling2d", x);
        x = new DenseLayer("predictions", x, classes);
        return new SynthModel("mobilenetv2_1.00_" + inputSize.ToString(CultureInfo.InvariantCulture), input, x);
    }

    private static SynthLayer InvertedResidual(SynthLayer input, int filters, int stride, int expansion, int id)
    {
        int inChannels = input.OutputShape[^1];
        var x = input;
        var prefix = $"block_{id}_";
        if (id > 0)
        {
            x = new Conv2DLayer(prefix + "expand", x, expansion * inChannels, 1, same: true, useBias: false);
            x = new BatchNormalizationLayer(prefix + "expand_BN", x, Epsilon, Momentum);
            x = new ReLULayer(prefix + "expand_relu", x, 6.0);
        }
        else
        {
            prefix = "expanded_conv_";
        }

        if (stride == 2)
        {
            // imagenet_utils.correct_pad for a 3×3 kernel: one row/column less before when the size is even.
            int h = x.OutputShape[0], w = x.OutputShape[1];
            x = new ZeroPadding2DLayer(prefix + "pad", x, 1 - (1 - h % 2), 1, 1 - (1 - w % 2), 1);
        }

        x = new DepthwiseConv2DLayer(prefix + "depthwise", x, 3, stride, same: stride == 1);
        x = new BatchNormalizationLayer(prefix + "depthwise_BN", x, Epsilon, Momentum);
        x = new ReLULayer(prefix + "depthwise_relu", x, 6.0);
        x = new Conv2DLayer(prefix + "project", x, filters, 1, same: true, useBias: false);
        x = new BatchNormalizationLayer(prefix + "project_BN", x, Epsilon, Momentum);
        return inChannels == filters && stride == 1 ? new AddLayer(prefix + "add", input, x) : x;
    }
}
