using System.Text.Json.Nodes;

namespace ModelBuild.Core.Synthesis.Layers;

/// <summary>
/// keras.layers.BatchNormalization over the channels. Gamma and beta are drawn (gamma in the architecture's range,
/// beta small); the moving mean and variance are measured on the activations that reach the layer in the
/// statistics pass, so the layer really normalises them, as in a trained network. Without scale (InceptionV3's
/// <c>scale=False</c>) there is no gamma weight and the layer multiplies by 1.
/// </summary>
internal sealed class BatchNormalizationLayer : SynthLayer
{
    private readonly double _epsilon, _momentum;
    private readonly int _keras3Axis;
    private readonly float _gammaLow, _gammaHigh;
    private readonly bool _scale;
    private readonly float[] _gamma, _beta, _mean, _variance;

    public BatchNormalizationLayer(string name, SynthLayer input, double epsilon, double momentum, float gammaLow = 0.8f, float gammaHigh = 1.2f, int keras3Axis = -1,
        bool scale = true)
        : base(name, input)
    {
        (_epsilon, _momentum, _gammaLow, _gammaHigh, _keras3Axis, _scale) = (epsilon, momentum, gammaLow, gammaHigh, keras3Axis, scale);
        int c = input.OutputShape[^1];
        (_gamma, _beta, _mean, _variance) = (new float[c], new float[c], new float[c], new float[c]);
        Array.Fill(_variance, 1f);
        Array.Fill(_gamma, 1f);
    }

    public override string ClassName => "BatchNormalization";

    public override int[] OutputShape => Inputs[0].OutputShape;

    /// <summary>True once <see cref="Measure"/> has set the moving statistics.</summary>
    public bool Measured { get; private set; }

    public override IReadOnlyList<SynthWeight> Weights =>
        _scale ? [new("gamma", [_gamma.Length], _gamma), .. Statistics] : Statistics;

    private SynthWeight[] Statistics =>
    [
        new("beta", [_beta.Length], _beta),
        new("moving_mean", [_mean.Length], _mean),
        new("moving_variance", [_variance.Length], _variance),
    ];

    public override void Initialize(SynthRandom random)
    {
        if (_scale)
            for (int i = 0; i < _gamma.Length; i++) _gamma[i] = random.Uniform(_gammaLow, _gammaHigh);
        random.FillUniform(_beta, 0.1f);
    }

    /// <summary>Sets the moving mean and variance to the per-channel statistics of <paramref name="x"/>.</summary>
    public void Measure(FeatureMap x)
    {
        int c = x.C;
        var sum = new double[c];
        var squares = new double[c];
        long count = (long)x.Batch * x.H * x.W;
        for (long p = 0; p < count; p++)
        {
            var pixel = x.Data.AsSpan((int)(p * c), c);
            for (int i = 0; i < c; i++)
            {
                double v = pixel[i];
                sum[i] += v;
                squares[i] += v * v;
            }
        }

        for (int i = 0; i < c; i++)
        {
            double mean = sum[i] / count;
            _mean[i] = (float)mean;
            _variance[i] = (float)Math.Max(squares[i] / count - mean * mean, 0);
        }

        Measured = true;
    }

    public override bool Keras3HasBuildConfig => true;

    /// <summary>Keras 3 keeps the axis as the application passed it (3 or -1) and adds the synchronized flag.</summary>
    public override JsonObject Keras3Config()
    {
        var config = base.Keras3Config();
        config["axis"] = _keras3Axis;
        config["synchronized"] = false;
        return config;
    }

    public override JsonObject Keras3CallKwargs() => new() { ["mask"] = null };

    protected override void AddConfig(JsonObject config)
    {
        config["axis"] = new JsonArray(3);
        config["momentum"] = _momentum;
        config["epsilon"] = _epsilon;
        config["center"] = true;
        config["scale"] = _scale;
        config["beta_initializer"] = Initializer("Zeros");
        config["gamma_initializer"] = Initializer("Ones");
        config["moving_mean_initializer"] = Initializer("Zeros");
        config["moving_variance_initializer"] = Initializer("Ones");
        config["beta_regularizer"] = null;
        config["gamma_regularizer"] = null;
        config["beta_constraint"] = null;
        config["gamma_constraint"] = null;
    }

    public override FeatureMap Forward(IReadOnlyList<FeatureMap> inputs)
    {
        var x = inputs[0];
        int c = x.C;
        var scale = new float[c];
        var shift = new float[c];
        for (int i = 0; i < c; i++)
        {
            scale[i] = _gamma[i] / MathF.Sqrt(_variance[i] + (float)_epsilon);
            shift[i] = _beta[i] - _mean[i] * scale[i];
        }

        var y = x with { Data = new float[x.Data.Length] };
        for (int p = 0; p < x.Data.Length; p += c)
            for (int i = 0; i < c; i++)
                y.Data[p + i] = x.Data[p + i] * scale[i] + shift[i];
        return y;
    }
}
