using System.Text.Json.Nodes;

namespace ModelBuild.Core.Synthesis.Layers;

/// <summary>keras.layers.Conv2D with a linear activation. He-uniform kernel; a small random bias when it has one.</summary>
internal sealed class Conv2DLayer : SynthLayer
{
    private readonly int _filters, _kernel, _stride;
    private readonly bool _same, _useBias;
    private readonly float[] _weights, _bias;

    public Conv2DLayer(string name, SynthLayer input, int filters, int kernel, int stride = 1, bool same = false, bool useBias = true)
        : base(name, input)
    {
        (_filters, _kernel, _stride, _same, _useBias) = (filters, kernel, stride, same, useBias);
        var s = input.OutputShape;
        var (oh, _) = SynthKernels.Window(s[0], kernel, stride, same);
        var (ow, _) = SynthKernels.Window(s[1], kernel, stride, same);
        OutputShape = [oh, ow, filters];
        _weights = new float[kernel * kernel * s[2] * filters];
        _bias = useBias ? new float[filters] : [];
    }

    public override string ClassName => "Conv2D";

    public override int[] OutputShape { get; }

    public override IReadOnlyList<SynthWeight> Weights =>
        _useBias
            ? [new("kernel", [_kernel, _kernel, InputChannels(), _filters], _weights), new("bias", [_filters], _bias)]
            : [new("kernel", [_kernel, _kernel, InputChannels(), _filters], _weights)];

    public override void Initialize(SynthRandom random)
    {
        random.FillUniform(_weights, MathF.Sqrt(6f / (_kernel * _kernel * InputChannels())));
        random.FillUniform(_bias, 0.05f);
    }

    protected override void AddConfig(JsonObject config)
    {
        config["filters"] = _filters;
        config["kernel_size"] = Pair(_kernel, _kernel);
        config["strides"] = Pair(_stride, _stride);
        config["padding"] = _same ? "same" : "valid";
        config["data_format"] = "channels_last";
        config["dilation_rate"] = Pair(1, 1);
        config["groups"] = 1;
        config["activation"] = "linear";
        config["use_bias"] = _useBias;
        config["kernel_initializer"] = Initializer("GlorotUniform", new JsonObject { ["seed"] = null });
        config["bias_initializer"] = Initializer("Zeros");
        config["kernel_regularizer"] = null;
        config["bias_regularizer"] = null;
        config["activity_regularizer"] = null;
        config["kernel_constraint"] = null;
        config["bias_constraint"] = null;
    }

    public override FeatureMap Forward(IReadOnlyList<FeatureMap> inputs) =>
        SynthKernels.Convolve(inputs[0], _weights, _useBias ? _bias : null, _kernel, _filters, _stride, _same);
}
