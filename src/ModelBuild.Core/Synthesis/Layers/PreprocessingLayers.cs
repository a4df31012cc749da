using System.Text.Json.Nodes;

namespace ModelBuild.Core.Synthesis.Layers;

/// <summary>keras.layers.Rescaling(scale, offset): x · scale + offset, as EfficientNet and MobileNetV3 start.</summary>
internal sealed class RescalingLayer(string name, SynthLayer input, double scale, double offset) : SynthLayer(name, input)
{
    public override string ClassName => "Rescaling";

    public override int[] OutputShape => Inputs[0].OutputShape;

    public override bool Keras3HasBuildConfig => true;

    protected override void AddConfig(JsonObject config)
    {
        config["scale"] = scale;
        config["offset"] = offset;
    }

    public override FeatureMap Forward(IReadOnlyList<FeatureMap> inputs)
    {
        var x = inputs[0];
        float s = (float)scale, o = (float)offset;
        var y = x with { Data = new float[x.Data.Length] };
        for (int i = 0; i < y.Data.Length; i++) y.Data[i] = x.Data[i] * s + o;
        return y;
    }
}

/// <summary>
/// keras.layers.Normalization(axis=3): (x − mean) / sqrt(variance). Either adapted, mean and variance held as weights
/// (with the int64 count, as adapt() leaves them) and null in the config (EfficientNet), or given to the constructor,
/// listed in the config and no weights (EfficientNetV2: <paramref name="configValues"/>).
/// </summary>
internal sealed class NormalizationLayer(string name, SynthLayer input, double[] mean, double[] variance, bool configValues = false) : SynthLayer(name, input)
{
    public override string ClassName => "Normalization";

    public override int[] OutputShape => Inputs[0].OutputShape;

    public override bool Keras3HasBuildConfig => true;

    private readonly float[] _mean = mean.Select(m => (float)m).ToArray(), _variance = variance.Select(v => (float)v).ToArray();

    public override IReadOnlyList<SynthWeight> Weights =>
        configValues ? [] : [new("mean", [_mean.Length], _mean), new("variance", [_variance.Length], _variance), new("count", [], [0f], IsInt64: true)];

    protected override void AddConfig(JsonObject config)
    {
        config["axis"] = new JsonArray(3);
        config["invert"] = false;
        config["mean"] = configValues ? new JsonArray([.. mean.Select(m => (JsonNode)m)]) : null;
        config["variance"] = configValues ? new JsonArray([.. variance.Select(v => (JsonNode)v)]) : null;
    }

    public override FeatureMap Forward(IReadOnlyList<FeatureMap> inputs)
    {
        var x = inputs[0];
        int c = x.C;
        var sd = _variance.Select(v => MathF.Max(MathF.Sqrt(v), 1e-7f)).ToArray();
        var y = x with { Data = new float[x.Data.Length] };
        for (int i = 0; i < y.Data.Length; i++) y.Data[i] = (x.Data[i] - _mean[i % c]) / sd[i % c];
        return y;
    }
}
