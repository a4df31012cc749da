using System.Text.Json.Nodes;

namespace ModelBuild.Core.Synthesis.Layers;

/// <summary>keras.layers.Dense(units, activation="softmax"): the classifier. He-uniform kernel, small bias.</summary>
internal sealed class DenseLayer : SynthLayer
{
    private readonly int _units;
    private readonly float[] _weights, _bias;

    public DenseLayer(string name, SynthLayer input, int units) : base(name, input)
    {
        _units = units;
        _weights = new float[input.OutputShape[^1] * units];
        _bias = new float[units];
    }

    public override string ClassName => "Dense";

    public override int[] OutputShape => [_units];

    public override IReadOnlyList<SynthWeight> Weights => [new("kernel", [InputChannels(), _units], _weights), new("bias", [_units], _bias)];

    public override void Initialize(SynthRandom random)
    {
        random.FillUniform(_weights, MathF.Sqrt(6f / InputChannels()));
        random.FillUniform(_bias, 0.05f);
    }

    protected override void AddConfig(JsonObject config)
    {
        config["units"] = _units;
        config["activation"] = "softmax";
        config["use_bias"] = true;
        config["kernel_initializer"] = Initializer("GlorotUniform", new JsonObject { ["seed"] = null });
        config["bias_initializer"] = Initializer("Zeros");
        config["kernel_regularizer"] = null;
        config["bias_regularizer"] = null;
        config["activity_regularizer"] = null;
        config["kernel_constraint"] = null;
        config["bias_constraint"] = null;
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
            Softmax(logits);
        }

        return y;
    }

    private static void Softmax(Span<float> v)
    {
        float max = float.NegativeInfinity;
        foreach (var x in v) max = Math.Max(max, x);
        double sum = 0;
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = MathF.Exp(v[i] - max);
            sum += v[i];
        }

        for (int i = 0; i < v.Length; i++) v[i] = (float)(v[i] / sum);
    }
}
