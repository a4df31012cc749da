using System.Text.Json.Nodes;

namespace ModelBuild.Core.Synthesis.Layers;

/// <summary>
/// keras.layers.Conv2D, square or rectangular window, linear or with a fused activation (EfficientNet's squeeze-excite:
/// swish, sigmoid). He-uniform kernel; a small random bias when it has one. <c>kernelInitializer</c> is only the
/// initializer named in the config (NASNet's "HeNormal", EfficientNet's VarianceScaling); default GlorotUniform.
/// </summary>
internal sealed class Conv2DLayer : SynthLayer
{
    private readonly int _filters, _kernelHeight, _kernelWidth, _stride;
    private readonly bool _same, _useBias;
    private readonly SynthActivation _activation;
    private readonly JsonObject? _kernelInitializer;
    private readonly float[] _weights, _bias;

    public Conv2DLayer(string name, SynthLayer input, int filters, int kernel, int stride = 1, bool same = false, bool useBias = true,
        SynthActivation activation = SynthActivation.Linear, JsonObject? kernelInitializer = null)
        : this(name, input, filters, (kernel, kernel), stride, same, useBias, activation, kernelInitializer)
    {
    }

    public Conv2DLayer(string name, SynthLayer input, int filters, (int Height, int Width) kernel, int stride = 1, bool same = false, bool useBias = true,
        SynthActivation activation = SynthActivation.Linear, JsonObject? kernelInitializer = null)
        : base(name, input)
    {
        (_filters, _kernelHeight, _kernelWidth, _stride, _same, _useBias) = (filters, kernel.Height, kernel.Width, stride, same, useBias);
        (_activation, _kernelInitializer) = (activation, kernelInitializer);
        var s = input.OutputShape;
        OutputShape = [SynthKernels.Window(s[0], kernel.Height, stride, same).Out, SynthKernels.Window(s[1], kernel.Width, stride, same).Out, filters];
        _weights = new float[kernel.Height * kernel.Width * s[2] * filters];
        _bias = useBias ? new float[filters] : [];
    }

    public override string ClassName => "Conv2D";

    public override int[] OutputShape { get; }

    public override IReadOnlyList<SynthWeight> Weights =>
        _useBias
            ? [new("kernel", KernelShape, _weights), new("bias", [_filters], _bias)]
            : [new("kernel", KernelShape, _weights)];

    private int[] KernelShape => [_kernelHeight, _kernelWidth, InputChannels(), _filters];

    public override void Initialize(SynthRandom random) => DrawHeUniform(random, _weights, _kernelHeight * _kernelWidth * InputChannels(), _bias);

    protected override void AddConfig(JsonObject config)
    {
        config["filters"] = _filters;
        AddConvolutionWindowConfig(config, (_kernelHeight, _kernelWidth), _stride, _same);
        config["activation"] = SynthActivations.KerasName(_activation);
        AddKernelAndBiasConfig(config, _useBias);
        if (_kernelInitializer is not null) config["kernel_initializer"] = _kernelInitializer.DeepClone();
    }

    public override bool Keras3HasBuildConfig => true;

    public override FeatureMap Forward(IReadOnlyList<FeatureMap> inputs) =>
        SynthActivations.Apply(_activation, SynthKernels.Convolve(inputs[0], _weights, _useBias ? _bias : null, _kernelHeight, _kernelWidth, _filters, _stride, _same));
}
