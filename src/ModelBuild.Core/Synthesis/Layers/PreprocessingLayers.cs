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
/// keras.layers.Normalization(axis=3) with fixed per-channel mean and variance held as weights (mean, variance and
/// the int64 count, as adapt() leaves them): (x − mean) / sqrt(variance). The config keeps mean and variance null.
/// </summary>
internal sealed class NormalizationLayer(string name, SynthLayer input, float[] mean, float[] variance) : SynthLayer(name, input)
{
    public override string ClassName => "Normalization";

    public override int[] OutputShape => Inputs[0].OutputShape;

    public override bool Keras3HasBuildConfig => true;

    public override IReadOnlyList<SynthWeight> Weights =>
        [new("mean", [mean.Length], mean), new("variance", [variance.Length], variance), new("count", [], [0f], IsInt64: true)];

    protected override void AddConfig(JsonObject config)
    {
        config["axis"] = new JsonArray(3);
        config["invert"] = false;
        config["mean"] = null;
        config["variance"] = null;
    }

    public override FeatureMap Forward(IReadOnlyList<FeatureMap> inputs)
    {
        var x = inputs[0];
        int c = x.C;
        var sd = variance.Select(v => MathF.Max(MathF.Sqrt(v), 1e-7f)).ToArray();
        var y = x with { Data = new float[x.Data.Length] };
        for (int i = 0; i < y.Data.Length; i++) y.Data[i] = (x.Data[i] - mean[i % c]) / sd[i % c];
        return y;
    }
}
