using System.Text.Json.Nodes;

namespace ModelBuild.Core.Synthesis.Layers;

/// <summary>keras.layers.Dense(units, activation="softmax"): the classifier. He-uniform kernel, small bias.</summary>
internal sealed class DenseLayer : SynthLayer
{
    private readonly int _units;
    private readonly JsonObject? _kernelInitializer, _biasInitializer;
    private readonly float[] _weights, _bias;

    public DenseLayer(string name, SynthLayer input, int units, JsonObject? kernelInitializer = null, JsonObject? biasInitializer = null) : base(name, input)
    {
        (_units, _kernelInitializer, _biasInitializer) = (units, kernelInitializer, biasInitializer);
        _weights = new float[input.OutputShape[^1] * units];
        _bias = new float[units];
    }

    public override string ClassName => "Dense";

    public override int[] OutputShape => [_units];

    public override IReadOnlyList<SynthWeight> Weights => [new("kernel", [InputChannels(), _units], _weights), new("bias", [_units], _bias)];

    public override void Initialize(SynthRandom random) => DrawHeUniform(random, _weights, InputChannels(), _bias);

    public override bool Keras3HasBuildConfig => true;

    /// <summary>Keras 3's Dense writes no activity_regularizer and adds quantization_config.</summary>
    public override JsonObject Keras3Config()
    {
        var config = base.Keras3Config();
        config.Remove("activity_regularizer");
        config["quantization_config"] = null;
        return config;
    }

    protected override void AddConfig(JsonObject config)
    {
        config["units"] = _units;
        config["activation"] = "softmax";
        AddKernelAndBiasConfig(config, useBias: true);
        if (_kernelInitializer is not null) config["kernel_initializer"] = _kernelInitializer.DeepClone();
        if (_biasInitializer is not null) config["bias_initializer"] = _biasInitializer.DeepClone();
    }

    public override FeatureMap Forward(IReadOnlyList<FeatureMap> inputs)
    {
        var x = inputs[0];
        int cin = x.Data.Length / x.Batch;
        var y = FeatureMap.Alloc(x.Batch, 1, 1, _units);
        for (int n = 0; n < x.Batch; n++)
        {
            var logits = y.Data.AsSpan(n * _units, _units);
            _bias.CopyTo(logits);
            for (int i = 0; i < cin; i++) SynthKernels.Axpy(logits, _weights.AsSpan(i * _units, _units), x.Data[n * cin + i]);
            SynthActivations.SoftmaxInPlace(logits);
        }

        return y;
    }
}
