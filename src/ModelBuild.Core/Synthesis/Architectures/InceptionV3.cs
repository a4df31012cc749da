using ModelBuild.Core.Synthesis.Layers;

namespace ModelBuild.Core.Synthesis.Architectures;

/// <summary>
/// keras.applications.InceptionV3 (include_top). Every convolution is keras.applications' conv2d_bn (Conv2D without
/// bias, BatchNormalization with scale=False, ReLU) and carries Keras' automatic names, as do the pools; only the
/// mixed0 … mixed10 and mixed9_0 / mixed9_1 concatenations, avg_pool and predictions are named. Layers are created
/// in the order inception_v3.py creates them, so the automatic numbers match.
/// </summary>
internal sealed class InceptionV3
{
    private const double Epsilon = 1e-3;
    private const double Momentum = 0.99;
    private const int ChannelAxis = 3;

    /// <summary>keras.applications' smallest input for InceptionV3.</summary>
    public const int MinimumInputSize = 75;

    private readonly KerasAutoNames _names = new();

    public static SynthModel Build(int inputSize, int classes) => new InceptionV3().Network(inputSize, classes);

    private SynthModel Network(int inputSize, int classes)
    {
        var input = new InputLayerSpec("input_1", inputSize, inputSize, 3);
        var x = ConvBn(input, 32, 3, 3, stride: 2, same: false);
        x = ConvBn(x, 32, 3, 3, same: false);
        x = ConvBn(x, 64, 3, 3);
        x = MaxPool(x);
        x = ConvBn(x, 80, 1, 1, same: false);
        x = ConvBn(x, 192, 3, 3, same: false);
        x = MaxPool(x);

        foreach (var (i, poolFilters) in new[] { (0, 32), (1, 64), (2, 64) })
        {
            var b1 = ConvBn(x, 64, 1, 1);
            var b5 = ConvBn(ConvBn(x, 48, 1, 1), 64, 5, 5);
            var b3 = ConvBn(ConvBn(ConvBn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3);
            var pool = ConvBn(AveragePool(x), poolFilters, 1, 1);
            x = new ConcatenateLayer($"mixed{i}", ChannelAxis, b1, b5, b3, pool);
        }

        {
            var b3 = ConvBn(x, 384, 3, 3, stride: 2, same: false);
            var b3dbl = ConvBn(ConvBn(ConvBn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3, stride: 2, same: false);
            var pool = MaxPool(x);
            x = new ConcatenateLayer("mixed3", ChannelAxis, b3, b3dbl, pool);
        }

        foreach (var (i, width) in new[] { (4, 128), (5, 160), (6, 160), (7, 192) })
        {
            var b1 = ConvBn(x, 192, 1, 1);
            var b7 = ConvBn(ConvBn(ConvBn(x, width, 1, 1), width, 1, 7), 192, 7, 1);
            var b7dbl = ConvBn(x, width, 1, 1);
            b7dbl = ConvBn(ConvBn(ConvBn(b7dbl, width, 7, 1), width, 1, 7), width, 7, 1);
            b7dbl = ConvBn(b7dbl, 192, 1, 7);
            var pool = ConvBn(AveragePool(x), 192, 1, 1);
            x = new ConcatenateLayer($"mixed{i}", ChannelAxis, b1, b7, b7dbl, pool);
        }

        {
            var b3 = ConvBn(ConvBn(x, 192, 1, 1), 320, 3, 3, stride: 2, same: false);
            var b7x3 = ConvBn(ConvBn(ConvBn(x, 192, 1, 1), 192, 1, 7), 192, 7, 1);
            b7x3 = ConvBn(b7x3, 192, 3, 3, stride: 2, same: false);
            var pool = MaxPool(x);
            x = new ConcatenateLayer("mixed8", ChannelAxis, b3, b7x3, pool);
        }

        for (int i = 0; i < 2; i++)
        {
            var b1 = ConvBn(x, 320, 1, 1);
            var b3 = ConvBn(x, 384, 1, 1);
            b3 = new ConcatenateLayer($"mixed9_{i}", ChannelAxis, ConvBn(b3, 384, 1, 3), ConvBn(b3, 384, 3, 1));
            var b3dbl = ConvBn(ConvBn(x, 448, 1, 1), 384, 3, 3);
            var left = ConvBn(b3dbl, 384, 1, 3);
            var right = ConvBn(b3dbl, 384, 3, 1);
            b3dbl = new ConcatenateLayer(_names.Next("concatenate"), ChannelAxis, left, right);
            var pool = ConvBn(AveragePool(x), 192, 1, 1);
            x = new ConcatenateLayer($"mixed{9 + i}", ChannelAxis, b1, b3, b3dbl, pool);
        }

        x = new GlobalAveragePooling2DLayer("avg_pool", x);
        x = new DenseLayer("predictions", x, classes);
        return new SynthModel("inception_v3", input, x);
    }

    /// <summary>keras.applications' conv2d_bn with name=None.</summary>
    private SynthLayer ConvBn(SynthLayer x, int filters, int rows, int columns, int stride = 1, bool same = true)
    {
        x = new Conv2DLayer(_names.Next("conv2d"), x, filters, (rows, columns), stride, same, useBias: false);
        x = new BatchNormalizationLayer(_names.Next("batch_normalization"), x, Epsilon, Momentum, keras3Axis: 3, scale: false);
        return new ReluActivationLayer(_names.Next("activation"), x);
    }

    private SynthLayer MaxPool(SynthLayer x) => new MaxPooling2DLayer(_names.Next("max_pooling2d"), x, 3, 2);

    private SynthLayer AveragePool(SynthLayer x) => new AveragePooling2DLayer(_names.Next("average_pooling2d"), x, 3, 1, same: true);
}
