using System.Text.Json.Nodes;

namespace ModelBuild.Core.Synthesis.Layers;

/// <summary>
/// keras.layers.Conv2D with a linear activation, square or rectangular window. He-uniform kernel; a small random bias
/// when it has one. <c>kernelInitializer</c> is only the class named in the config (NASNet asks for "HeNormal").
/// </summary>
internal sealed class Conv2DLayer : SynthLayer
{
    private readonly int _filters, _kernelHeight, _kernelWidth, _stride;
    private readonly bool _same, _useBias;
    private readonly string _kernelInitializer;
    private readonly float[] _weights, _bias;

    public Conv2DLayer(string name, SynthLayer input, int filters, int kernel, int stride = 1, bool same = false, bool useBias = true, string kernelInitializer = "GlorotUniform")
        : this(name, input, filters, (kernel, kernel), stride, same, useBias, kernelInitializer)
    {
    }

    public Conv2DLayer(string name, SynthLayer input, int filters, (int Height, int Width) kernel, int stride = 1, bool same = false, bool useBias = true, string kernelInitializer = "GlorotUniform")
        : base(name, input)
    {
        (_filters, _kernelHeight, _kernelWidth, _stride, _same, _useBias, _kernelInitializer) = (filters, kernel.Height, kernel.Width, stride, same, useBias, kernelInitializer);
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
        AddKernelAndBiasConfig(config, _useBias, _kernelInitializer);
    }

    public override FeatureMap Forward(IReadOnlyList<FeatureMap> inputs) =>
        SynthKernels.Convolve(inputs[0], _weights, _useBias ? _bias : null, _kernelHeight, _kernelWidth, _filters, _stride, _same);
}
