using System.Text.Json.Nodes;
using ModelBuild.Core.Synthesis.Layers;

namespace ModelBuild.Core.Synthesis.Architectures;

/// <summary>
/// keras.applications.NASNetMobile (include_top; penultimate filters 1056, 4 normal cells per stack, stem 32,
/// filter multiplier 2): stem, two stem reduction cells, then 4 normal, reduction, 4 normal, reduction, 4 normal
/// cells, with nasnet.py's names. The cells' ReLUs, the adjust blocks' padding, cropping and concatenation, the
/// reduction cells' fourth add, the final ReLU and the pooling carry Keras' automatic names, so layers are
/// created in the order nasnet.py creates them. Convolutions name "HeNormal" in their config, as nasnet.py asks.
/// </summary>
internal sealed class NASNetMobile
{
    private const double Epsilon = 1e-3;
    private const double Momentum = 0.9997;
    private const int ChannelAxis = -1;
    private const string HeNormal = "HeNormal";

    /// <summary>The initializer entry of a Conv2D config naming <see cref="HeNormal"/>.</summary>
    private static JsonObject HeNormalConfig => SynthLayer.Initializer(HeNormal, new JsonObject { ["seed"] = null });
    private const int PenultimateFilters = 1056, Blocks = 4, StemFilters = 32, Multiplier = 2;

    private readonly KerasAutoNames _names = new();

    public static SynthModel Build(int inputSize, int classes) => new NASNetMobile().Network(inputSize, classes);

    private SynthModel Network(int inputSize, int classes)
    {
        int filters = PenultimateFilters / 24;
        var input = new InputLayerSpec("input_1", inputSize, inputSize, 3);
        SynthLayer x = new Conv2DLayer("stem_conv1", input, StemFilters, 3, stride: 2, useBias: false, kernelInitializer: HeNormalConfig);
        x = Bn("stem_bn1", x);

        SynthLayer? p = null;
        (x, p) = ReductionCell(x, p, filters / (Multiplier * Multiplier), "stem_1");
        (x, p) = ReductionCell(x, p, filters / Multiplier, "stem_2");
        for (int i = 0; i < Blocks; i++) (x, p) = NormalCell(x, p, filters, $"{i}");
        (x, p) = ReductionCell(x, p, filters * Multiplier, $"reduce_{Blocks}");
        for (int i = 0; i < Blocks; i++) (x, p) = NormalCell(x, p, filters * Multiplier, $"{Blocks + i + 1}");
        (x, p) = ReductionCell(x, p, filters * Multiplier * Multiplier, $"reduce_{2 * Blocks}");
        for (int i = 0; i < Blocks; i++) (x, p) = NormalCell(x, p, filters * Multiplier * Multiplier, $"{2 * Blocks + i + 1}");

        x = Relu(x);
        x = new GlobalAveragePooling2DLayer(_names.Next("global_average_pooling2d"), x);
        x = new DenseLayer("predictions", x, classes);
        return new SynthModel("NASNet", input, x);
    }

    private (SynthLayer X, SynthLayer Ip) NormalCell(SynthLayer ip, SynthLayer? previous, int filters, string id)
    {
        var p = Adjust(previous, ip, filters, id);
        var h = Bn($"normal_bn_1_{id}", Conv1x1($"normal_conv_1_{id}", Relu(ip), filters));

        var x1 = new AddLayer($"normal_add_1_{id}", SeparableBlock(h, filters, 5, 1, $"normal_left1_{id}"), SeparableBlock(p, filters, 3, 1, $"normal_right1_{id}"));
        var x2 = new AddLayer($"normal_add_2_{id}", SeparableBlock(p, filters, 5, 1, $"normal_left2_{id}"), SeparableBlock(p, filters, 3, 1, $"normal_right2_{id}"));
        var x3 = new AddLayer($"normal_add_3_{id}", new AveragePooling2DLayer($"normal_left3_{id}", h, 3, 1, same: true), p);
        var x4 = new AddLayer($"normal_add_4_{id}",
            new AveragePooling2DLayer($"normal_left4_{id}", p, 3, 1, same: true), new AveragePooling2DLayer($"normal_right4_{id}", p, 3, 1, same: true));
        var x5 = new AddLayer($"normal_add_5_{id}", SeparableBlock(h, filters, 3, 1, $"normal_left5_{id}"), h);
        return (new ConcatenateLayer($"normal_concat_{id}", ChannelAxis, p, x1, x2, x3, x4, x5), ip);
    }

    private (SynthLayer X, SynthLayer Ip) ReductionCell(SynthLayer ip, SynthLayer? previous, int filters, string id)
    {
        var p = Adjust(previous, ip, filters, id);
        var h = Bn($"reduction_bn_1_{id}", Conv1x1($"reduction_conv_1_{id}", Relu(ip), filters));
        var h3 = CorrectPad($"reduction_pad_1_{id}", h, 3);

        var x1 = new AddLayer($"reduction_add_1_{id}",
            SeparableBlock(h, filters, 5, 2, $"reduction_left1_{id}"), SeparableBlock(p, filters, 7, 2, $"reduction_right1_{id}"));
        var x2 = new AddLayer($"reduction_add_2_{id}",
            new MaxPooling2DLayer($"reduction_left2_{id}", h3, 3, 2), SeparableBlock(p, filters, 7, 2, $"reduction_right2_{id}"));
        var x3 = new AddLayer($"reduction_add3_{id}",
            new AveragePooling2DLayer($"reduction_left3_{id}", h3, 3, 2, same: false), SeparableBlock(p, filters, 5, 2, $"reduction_right3_{id}"));
        var x4Pool = new AveragePooling2DLayer($"reduction_left4_{id}", x1, 3, 1, same: true);
        var x4 = new AddLayer(_names.Next("add"), x2, x4Pool);
        var x5 = new AddLayer($"reduction_add4_{id}",
            SeparableBlock(x1, filters, 3, 1, $"reduction_left4_{id}"), new MaxPooling2DLayer($"reduction_right5_{id}", h3, 3, 2));
        return (new ConcatenateLayer($"reduction_concat_{id}", ChannelAxis, x2, x3, x4, x5), ip);
    }

    /// <summary>
    /// nasnet.py's _adjust_block: the previous cell's output brought to this cell's resolution (two half-filter 1×1
    /// convolutions of two offset strided samplings) or channel count (a 1×1 projection); the cell input when there is none.
    /// </summary>
    private SynthLayer Adjust(SynthLayer? p, SynthLayer ip, int filters, string id)
    {
        if (p is null) return ip;
        if (p.OutputShape[1] != ip.OutputShape[1])
        {
            p = new ReluActivationLayer($"adjust_relu_1_{id}", p);
            SynthLayer p1 = new AveragePooling2DLayer($"adjust_avg_pool_1_{id}", p, 1, 2, same: false);
            p1 = Conv1x1($"adjust_conv_1_{id}", p1, filters / 2);
            SynthLayer p2 = new ZeroPadding2DLayer(_names.Next("zero_padding2d"), p, 0, 1, 0, 1);
            p2 = new Cropping2DLayer(_names.Next("cropping2d"), p2, 1, 0, 1, 0);
            p2 = new AveragePooling2DLayer($"adjust_avg_pool_2_{id}", p2, 1, 2, same: false);
            p2 = Conv1x1($"adjust_conv_2_{id}", p2, filters / 2);
            return Bn($"adjust_bn_{id}", new ConcatenateLayer(_names.Next("concatenate"), ChannelAxis, p1, p2));
        }

        if (p.OutputShape[2] != filters)
            return Bn($"adjust_bn_{id}", Conv1x1($"adjust_conv_projection_{id}", Relu(p), filters));
        return p;
    }

    /// <summary>nasnet.py's _separable_conv_block: ReLU, separable conv (strided ones after correct_pad), BN, ReLU, separable conv, BN.</summary>
    private SynthLayer SeparableBlock(SynthLayer x, int filters, int kernel, int stride, string id)
    {
        x = Relu(x);
        if (stride == 2) x = CorrectPad($"separable_conv_1_pad_{id}", x, kernel);
        x = new SeparableConv2DLayer($"separable_conv_1_{id}", x, filters, kernel, stride, same: stride == 1, kernelInitializer: HeNormal);
        x = Bn($"separable_conv_1_bn_{id}", x);
        x = Relu(x);
        x = new SeparableConv2DLayer($"separable_conv_2_{id}", x, filters, kernel, kernelInitializer: HeNormal);
        return Bn($"separable_conv_2_bn_{id}", x);
    }

    /// <summary>imagenet_utils.correct_pad: k/2 on each side, one less before along an even dimension.</summary>
    private static ZeroPadding2DLayer CorrectPad(string name, SynthLayer x, int kernel)
    {
        int h = x.OutputShape[0], w = x.OutputShape[1];
        return new ZeroPadding2DLayer(name, x, kernel / 2 - (1 - h % 2), kernel / 2, kernel / 2 - (1 - w % 2), kernel / 2);
    }

    private Conv2DLayer Conv1x1(string name, SynthLayer x, int filters) =>
        new(name, x, filters, 1, same: true, useBias: false, kernelInitializer: HeNormalConfig);

    private static BatchNormalizationLayer Bn(string name, SynthLayer x) => new(name, x, Epsilon, Momentum);

    private ReluActivationLayer Relu(SynthLayer x) => new(_names.Next("activation"), x);
}
