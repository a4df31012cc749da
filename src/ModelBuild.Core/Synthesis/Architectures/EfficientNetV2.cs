using System.Text.Json.Nodes;
using ModelBuild.Core.Synthesis.Layers;

namespace ModelBuild.Core.Synthesis.Architectures;

/// <summary>
/// keras.applications.EfficientNetV2B0 with include_top and include_preprocessing: Rescaling(1/255) and a
/// Normalization given ImageNet's mean and variance (in its config, no weights); FusedMBConv stages (a full 3×3
/// expand convolution, no depthwise) then MBConv stages with squeeze-excite; depthwise convolutions pad "same" at
/// stride 2 (no ZeroPadding2D); batch-norm momentum 0.9; drop-connect Dropout at rate 0.2·b/16 before each Add.
/// </summary>
internal static class EfficientNetV2
{
    // (kernel, repeats, filters in, filters out, expansion, squeeze-excite ratio, stride, fused) of B0's six stages.
    private static readonly (int Kernel, int Repeats, int In, int Out, int Expand, double Se, int Stride, bool Fused)[] Stages =
    [
        (3, 1, 32, 16, 1, 0, 1, true), (3, 2, 16, 32, 4, 0, 2, true), (3, 2, 32, 48, 4, 0, 2, true),
        (3, 3, 48, 96, 4, 0.25, 2, false), (3, 5, 96, 112, 6, 0.25, 1, false), (3, 8, 112, 192, 6, 0.25, 2, false),
    ];

    private const double DropConnectRate = 0.2, BnEpsilon = 1e-3, BnMomentum = 0.9;

    public static SynthModel BuildB0(int inputSize, int classes)
    {
        var input = new InputLayerSpec("input_1", inputSize, inputSize, 3);
        SynthLayer x = new RescalingLayer("rescaling", input, 1.0 / 255, 0.0);
        x = new NormalizationLayer("normalization", x, EfficientNet.ImageNetMean, EfficientNet.ImageNetVariance, configValues: true);
        x = Conv("stem_conv", x, 32, 3, 2);
        x = Bn("stem_bn", x);
        x = new ActivationLayer("stem_activation", x, SynthActivation.Swish);

        int blocks = Stages.Sum(s => s.Repeats), b = 0;
        for (int i = 0; i < Stages.Length; i++)
        {
            var s = Stages[i];
            for (int j = 0; j < s.Repeats; j++, b++)
            {
                int filtersIn = j == 0 ? s.In : s.Out, stride = j == 0 ? s.Stride : 1;
                var name = $"block{i + 1}{(char)('a' + j)}_";
                double drop = DropConnectRate * b / blocks;
                x = s.Fused
                    ? FusedBlock(x, name, drop, filtersIn, s.Out, s.Kernel, stride, s.Expand, s.Se)
                    : Block(x, name, drop, filtersIn, s.Out, s.Kernel, stride, s.Expand, s.Se);
            }
        }

        x = Conv("top_conv", x, 1280, 1, 1);
        x = Bn("top_bn", x);
        x = new ActivationLayer("top_activation", x, SynthActivation.Swish);
        x = new GlobalAveragePooling2DLayer("avg_pool", x);
        x = new DropoutLayer("top_dropout", x, 0.2);
        x = new DenseLayer("predictions", x, classes, EfficientNet.DenseInitializer(), SynthLayer.Initializer("Constant", new JsonObject { ["value"] = 0.0 }));
        return new SynthModel("efficientnetv2-b0", input, x);
    }

    private static SynthLayer Block(SynthLayer inputs, string name, double drop, int filtersIn, int filtersOut, int kernel, int stride, int expand, double se)
    {
        int filters = filtersIn * expand;
        var x = inputs;
        if (expand != 1)
        {
            x = Conv(name + "expand_conv", x, filters, 1, 1);
            x = Bn(name + "expand_bn", x);
            x = new ActivationLayer(name + "expand_activation", x, SynthActivation.Swish);
        }

        x = new DepthwiseConv2DLayer(name + "dwconv2", x, kernel, stride, same: true, EfficientNet.ConvInitializer());
        x = Bn(name + "bn", x);
        x = new ActivationLayer(name + "activation", x, SynthActivation.Swish);
        if (se > 0) x = SqueezeExcite(x, name, filtersIn, filters, se);
        x = Conv(name + "project_conv", x, filtersOut, 1, 1);
        x = Bn(name + "project_bn", x);
        return Residual(x, inputs, name, drop, filtersIn, filtersOut, stride);
    }

    private static SynthLayer FusedBlock(SynthLayer inputs, string name, double drop, int filtersIn, int filtersOut, int kernel, int stride, int expand, double se)
    {
        int filters = filtersIn * expand;
        var x = inputs;
        if (expand != 1)
        {
            x = Conv(name + "expand_conv", x, filters, kernel, stride);
            x = Bn(name + "expand_bn", x);
            x = new ActivationLayer(name + "expand_activation", x, SynthActivation.Swish);
        }

        if (se > 0) x = SqueezeExcite(x, name, filtersIn, filters, se);
        x = expand != 1 ? Conv(name + "project_conv", x, filtersOut, 1, 1) : Conv(name + "project_conv", x, filtersOut, kernel, stride);
        x = Bn(name + "project_bn", x);
        if (expand == 1) x = new ActivationLayer(name + "project_activation", x, SynthActivation.Swish);
        return Residual(x, inputs, name, drop, filtersIn, filtersOut, stride);
    }

    private static SynthLayer SqueezeExcite(SynthLayer x, string name, int filtersIn, int filters, double ratio)
    {
        SynthLayer se = new GlobalAveragePooling2DLayer(name + "se_squeeze", x);
        se = new ReshapeToPixelLayer(name + "se_reshape", se);
        se = new Conv2DLayer(name + "se_reduce", se, Math.Max(1, (int)(filtersIn * ratio)), 1, same: true, activation: SynthActivation.Swish, kernelInitializer: EfficientNet.ConvInitializer());
        se = new Conv2DLayer(name + "se_expand", se, filters, 1, same: true, activation: SynthActivation.Sigmoid, kernelInitializer: EfficientNet.ConvInitializer());
        return new MultiplyLayer(name + "se_excite", x, se);
    }

    /// <summary>Keras passes the drop-connect "survival probability" as the Dropout rate, and adds none when it is 0.</summary>
    private static SynthLayer Residual(SynthLayer x, SynthLayer inputs, string name, double drop, int filtersIn, int filtersOut, int stride)
    {
        if (stride != 1 || filtersIn != filtersOut) return x;
        if (drop > 0) x = new DropoutLayer(name + "drop", x, drop, perSample: true);
        return new AddLayer(name + "add", x, inputs);
    }

    private static Conv2DLayer Conv(string name, SynthLayer x, int filters, int kernel, int stride) =>
        new(name, x, filters, kernel, stride, same: true, useBias: false, kernelInitializer: EfficientNet.ConvInitializer());

    private static BatchNormalizationLayer Bn(string name, SynthLayer x) => new(name, x, BnEpsilon, BnMomentum, keras3Axis: 3);
}
