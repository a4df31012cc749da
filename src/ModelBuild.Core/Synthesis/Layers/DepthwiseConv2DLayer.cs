using System.Text.Json.Nodes;

namespace ModelBuild.Core.Synthesis.Layers;

/// <summary>keras.layers.DepthwiseConv2D, depth multiplier 1, no bias, linear. He-uniform over the 3×3 taps of a channel.</summary>
internal sealed class DepthwiseConv2DLayer : SynthLayer
{
    private readonly int _kernel, _stride;
    private readonly bool _same;
    private readonly JsonObject? _initializer;
    private readonly float[] _weights;

    public DepthwiseConv2DLayer(string name, SynthLayer input, int kernel, int stride, bool same, JsonObject? initializer = null)
        : base(name, input)
    {
        (_kernel, _stride, _same, _initializer) = (kernel, stride, same, initializer);
        OutputShape = SynthKernels.WindowShape(input.OutputShape, kernel, stride, same, input.OutputShape[2]);
        _weights = new float[kernel * kernel * input.OutputShape[2]];
    }

    public override string ClassName => "DepthwiseConv2D";

    public override int[] OutputShape { get; }

    public override IReadOnlyList<SynthWeight> Weights => [new("depthwise_kernel", [_kernel, _kernel, InputChannels(), 1], _weights)];

    public override void Initialize(SynthRandom random) => DrawHeUniform(random, _weights, _kernel * _kernel);

    public override bool Keras3HasBuildConfig => true;

    /// <summary>Keras 3's BaseDepthwiseConv.get_config: depth_multiplier first, then the window, then weights' options.</summary>
    public override JsonObject Keras3Config()
    {
        var k2 = base.Keras3Config();
        var config = new JsonObject { ["name"] = Name, ["trainable"] = true, ["dtype"] = Keras3Serialization.DTypePolicy() };
        foreach (var key in new[]
                 {
                     "depth_multiplier", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "activation", "use_bias",
                     "depthwise_initializer", "bias_initializer", "depthwise_regularizer", "bias_regularizer", "activity_regularizer",
                     "depthwise_constraint", "bias_constraint",
                 })
            config[key] = k2[key]!?.DeepClone();
        return config;
    }

    protected override void AddConfig(JsonObject config)
    {
        AddConvolutionWindowConfig(config, _kernel, _stride, _same);
        config["use_bias"] = false;
        config["bias_initializer"] = Initializer("Zeros");
        config["bias_regularizer"] = null;
        config["activity_regularizer"] = null;
        config["bias_constraint"] = null;
        config["depth_multiplier"] = 1;
        config["depthwise_initializer"] = _initializer?.DeepClone() ?? Initializer("GlorotUniform", new JsonObject { ["seed"] = null });
        config["depthwise_regularizer"] = null;
        config["depthwise_constraint"] = null;
    }

    public override FeatureMap Forward(IReadOnlyList<FeatureMap> inputs) =>
        SynthKernels.Depthwise(inputs[0], _weights, _kernel, _stride, _same);
}
