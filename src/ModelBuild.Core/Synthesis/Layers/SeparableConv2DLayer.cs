using System.Text.Json.Nodes;

namespace ModelBuild.Core.Synthesis.Layers;

/// <summary>
/// keras.layers.SeparableConv2D without bias, linear, depth multiplier 1: a depthwise k×k convolution (with the
/// stride) then a pointwise 1×1 one. He-uniform depthwise (over the k² taps) and pointwise (over the channels)
/// kernels. <c>kernelInitializer</c> is only the Conv base's kernel_initializer written in the config (NASNet's "HeNormal").
/// </summary>
internal sealed class SeparableConv2DLayer : SynthLayer
{
    private readonly int _filters, _kernel, _stride;
    private readonly bool _same;
    private readonly string _kernelInitializer;
    private readonly float[] _depthwise, _pointwise;

    public SeparableConv2DLayer(string name, SynthLayer input, int filters, int kernel, int stride = 1, bool same = true, string kernelInitializer = "GlorotUniform")
        : base(name, input)
    {
        (_filters, _kernel, _stride, _same, _kernelInitializer) = (filters, kernel, stride, same, kernelInitializer);
        int channels = input.OutputShape[2];
        OutputShape = SynthKernels.WindowShape(input.OutputShape, kernel, stride, same, filters);
        _depthwise = new float[kernel * kernel * channels];
        _pointwise = new float[channels * filters];
    }

    public override string ClassName => "SeparableConv2D";

    public override int[] OutputShape { get; }

    public override IReadOnlyList<SynthWeight> Weights =>
    [
        new("depthwise_kernel", [_kernel, _kernel, InputChannels(), 1], _depthwise),
        new("pointwise_kernel", [1, 1, InputChannels(), _filters], _pointwise),
    ];

    public override void Initialize(SynthRandom random)
    {
        DrawHeUniform(random, _depthwise, _kernel * _kernel);
        DrawHeUniform(random, _pointwise, InputChannels());
    }

    /// <summary>Keras 2's Conv config (kernel keys included, as the base class writes them) followed by the separable keys.</summary>
    protected override void AddConfig(JsonObject config)
    {
        config["filters"] = _filters;
        AddConvolutionWindowConfig(config, _kernel, _stride, _same);
        AddKernelAndBiasConfig(config, useBias: false, _kernelInitializer);
        config["depth_multiplier"] = 1;
        config["depthwise_initializer"] = Initializer("GlorotUniform", new JsonObject { ["seed"] = null });
        config["pointwise_initializer"] = Initializer("GlorotUniform", new JsonObject { ["seed"] = null });
        config["depthwise_regularizer"] = null;
        config["pointwise_regularizer"] = null;
        config["depthwise_constraint"] = null;
        config["pointwise_constraint"] = null;
    }

    public override FeatureMap Forward(IReadOnlyList<FeatureMap> inputs)
    {
        var depthwise = SynthKernels.Depthwise(inputs[0], _depthwise, _kernel, _stride, _same);
        return SynthKernels.Convolve(depthwise, _pointwise, null, 1, _filters, 1, same: false);
    }
}
