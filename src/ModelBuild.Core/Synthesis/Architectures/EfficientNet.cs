using System.Text.Json.Nodes;
using ModelBuild.Core.Synthesis.Layers;

namespace ModelBuild.Core.Synthesis.Architectures;

/// <summary>
/// keras.applications.EfficientNetB0 with include_top, as built with weights=None (the ImageNet build adds a third
/// Rescaling by 1/√stddev, which tf.keras 2 could not save to .h5): Rescaling(1/255) and Normalization (ImageNet
/// mean and variance as its weights) inside the model, swish, squeeze-excite (GlobalAveragePooling2D → Reshape →
/// Conv2D swish → Conv2D sigmoid → Multiply), drop-connect Dropout before each residual Add, Dropout(0.2) on top.
/// </summary>
internal static class EfficientNet
{
    // (kernel, repeats, filters in, filters out, expansion, stride) of B0's seven stages; squeeze-excite ratio 0.25.
    private static readonly (int Kernel, int Repeats, int In, int Out, int Expand, int Stride)[] Stages =
    [
        (3, 1, 32, 16, 1, 1), (3, 2, 16, 24, 6, 2), (5, 2, 24, 40, 6, 2), (3, 3, 40, 80, 6, 2),
        (5, 3, 80, 112, 6, 1), (5, 4, 112, 192, 6, 2), (3, 1, 192, 320, 6, 1),
    ];

    private const double DropConnectRate = 0.2;

    /// <summary>ImageNet's RGB mean and variance (stddev²) on [0, 1] pixels, as keras.applications normalizes.</summary>
    internal static readonly double[] ImageNetMean = [0.485, 0.456, 0.406];
    internal static readonly double[] ImageNetVariance = [0.229 * 0.229, 0.224 * 0.224, 0.225 * 0.225];
    private const double BnEpsilon = 1e-3, BnMomentum = 0.99;

    internal static JsonObject ConvInitializer() => SynthLayer.Initializer("VarianceScaling",
        new JsonObject { ["scale"] = 2.0, ["mode"] = "fan_out", ["distribution"] = "truncated_normal", ["seed"] = null });

    internal static JsonObject DenseInitializer() => SynthLayer.Initializer("VarianceScaling",
        new JsonObject { ["scale"] = 1.0 / 3.0, ["mode"] = "fan_out", ["distribution"] = "uniform", ["seed"] = null });

    public static SynthModel BuildB0(int inputSize, int classes)
    {
        var input = new InputLayerSpec("input_1", inputSize, inputSize, 3);
        SynthLayer x = new RescalingLayer("rescaling", input, 1.0 / 255.0, 0.0);
        x = new NormalizationLayer("normalization", x, ImageNetMean, ImageNetVariance);
        x = CorrectPad("stem_conv_pad", x, 3);
        x = new Conv2DLayer("stem_conv", x, 32, 3, stride: 2, useBias: false, kernelInitializer: ConvInitializer());
        x = Bn("stem_bn", x);
        x = new ActivationLayer("stem_activation", x, SynthActivation.Swish);

        int blocks = Stages.Sum(s => s.Repeats), b = 0;
        for (int i = 0; i < Stages.Length; i++)
        {
            var s = Stages[i];
            for (int j = 0; j < s.Repeats; j++, b++)
            {
                int filtersIn = j == 0 ? s.In : s.Out, stride = j == 0 ? s.Stride : 1;
                x = Block(x, $"block{i + 1}{(char)('a' + j)}_", DropConnectRate * b / blocks, filtersIn, s.Out, s.Kernel, stride, s.Expand);
            }
        }

        x = new Conv2DLayer("top_conv", x, 1280, 1, same: true, useBias: false, kernelInitializer: ConvInitializer());
        x = Bn("top_bn", x);
        x = new ActivationLayer("top_activation", x, SynthActivation.Swish);
        x = new GlobalAveragePooling2DLayer("avg_pool", x);
        x = new DropoutLayer("top_dropout", x, 0.2);
        x = new DenseLayer("predictions", x, classes, DenseInitializer());
        return new SynthModel("efficientnetb0", input, x);
    }

    private static SynthLayer Block(SynthLayer inputs, string name, double dropRate, int filtersIn, int filtersOut, int kernel, int stride, int expand)
    {
        int filters = filtersIn * expand;
        var x = inputs;
        if (expand != 1)
        {
            x = new Conv2DLayer(name + "expand_conv", x, filters, 1, same: true, useBias: false, kernelInitializer: ConvInitializer());
            x = Bn(name + "expand_bn", x);
            x = new ActivationLayer(name + "expand_activation", x, SynthActivation.Swish);
        }

        if (stride == 2) x = CorrectPad(name + "dwconv_pad", x, kernel);
        x = new DepthwiseConv2DLayer(name + "dwconv", x, kernel, stride, same: stride == 1, ConvInitializer());
        x = Bn(name + "bn", x);
        x = new ActivationLayer(name + "activation", x, SynthActivation.Swish);

        int filtersSe = Math.Max(1, (int)(filtersIn * 0.25));
        SynthLayer se = new GlobalAveragePooling2DLayer(name + "se_squeeze", x);
        se = new ReshapeToPixelLayer(name + "se_reshape", se);
        se = new Conv2DLayer(name + "se_reduce", se, filtersSe, 1, same: true, activation: SynthActivation.Swish, kernelInitializer: ConvInitializer());
        se = new Conv2DLayer(name + "se_expand", se, filters, 1, same: true, activation: SynthActivation.Sigmoid, kernelInitializer: ConvInitializer());
        x = new MultiplyLayer(name + "se_excite", x, se);

        x = new Conv2DLayer(name + "project_conv", x, filtersOut, 1, same: true, useBias: false, kernelInitializer: ConvInitializer());
        x = Bn(name + "project_bn", x);
        if (stride == 1 && filtersIn == filtersOut)
        {
            if (dropRate > 0) x = new DropoutLayer(name + "drop", x, dropRate, perSample: true);
            x = new AddLayer(name + "add", x, inputs);
        }

        return x;
    }

    private static BatchNormalizationLayer Bn(string name, SynthLayer x) => new(name, x, BnEpsilon, BnMomentum, keras3Axis: 3);

    /// <summary>imagenet_utils.correct_pad: (k/2 − 1, k/2) rows/columns when the size is even, (k/2, k/2) when odd.</summary>
    private static ZeroPadding2DLayer CorrectPad(string name, SynthLayer x, int kernel)
    {
        int h = x.OutputShape[0], w = x.OutputShape[1], half = kernel / 2;
        return new ZeroPadding2DLayer(name, x, half - 1 + h % 2, half, half - 1 + w % 2, half);
    }
}
