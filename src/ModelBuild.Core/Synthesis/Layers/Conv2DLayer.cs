using System.Text.Json.Nodes;

namespace ModelBuild.Core.Synthesis.Layers;

/// <summary>
/// keras.layers.Conv2D, linear or with a fused activation (EfficientNet's squeeze-excite: swish, sigmoid).
/// He-uniform kernel; a small random bias when it has one.
/// </summary>
internal sealed class Conv2DLayer : SynthLayer
{
    private readonly int _filters, _kernel, _stride;
    private readonly bool _same, _useBias;
    private readonly SynthActivation _activation;
    private readonly JsonObject? _kernelInitializer;
    private readonly float[] _weights, _bias;

    public Conv2DLayer(string name, SynthLayer input, int filters, int kernel, int stride = 1, bool same = false, bool useBias = true,
        SynthActivation activation = SynthActivation.Linear, JsonObject? kernelInitializer = null)
        : base(name, input)
    {
        (_filters, _kernel, _stride, _same, _useBias) = (filters, kernel, stride, same, useBias);
        (_activation, _kernelInitializer) = (activation, kernelInitializer);
        OutputShape = SynthKernels.WindowShape(input.OutputShape, kernel, stride, same, filters);
        _weights = new float[kernel * kernel * input.OutputShape[2] * filters];
        _bias = useBias ? new float[filters] : [];
    }

    public override string ClassName => "Conv2D";

    public override int[] OutputShape { get; }

    public override IReadOnlyList<SynthWeight> Weights =>
        _useBias
            ? [new("kernel", [_kernel, _kernel, InputChannels(), _filters], _weights), new("bias", [_filters], _bias)]
            : [new("kernel", [_kernel, _kernel, InputChannels(), _filters], _weights)];

    public override void Initialize(SynthRandom random) => DrawHeUniform(random, _weights, _kernel * _kernel * InputChannels(), _bias);

    protected override void AddConfig(JsonObject config)
    {
        config["filters"] = _filters;
        AddConvolutionWindowConfig(config, _kernel, _stride, _same);
        config["activation"] = SynthActivations.KerasName(_activation);
        AddKernelAndBiasConfig(config, _useBias);
        if (_kernelInitializer is not null) config["kernel_initializer"] = _kernelInitializer.DeepClone();
    }

    public override bool Keras3HasBuildConfig => true;

    public override FeatureMap Forward(IReadOnlyList<FeatureMap> inputs) =>
        SynthActivations.Apply(_activation, SynthKernels.Convolve(inputs[0], _weights, _useBias ? _bias : null, _kernel, _filters, _stride, _same));
}
