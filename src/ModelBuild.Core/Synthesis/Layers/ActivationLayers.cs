using System.Text.Json.Nodes;

namespace ModelBuild.Core.Synthesis.Layers;

/// <summary>keras.layers.Activation("relu"), as ResNet uses it.</summary>
internal sealed class ReluActivationLayer(string name, SynthLayer input) : SynthLayer(name, input)
{
    public override string ClassName => "Activation";

    public override int[] OutputShape => Inputs[0].OutputShape;

    protected override void AddConfig(JsonObject config) => config["activation"] = "relu";

    public override FeatureMap Forward(IReadOnlyList<FeatureMap> inputs) => Clamp(inputs[0], float.PositiveInfinity);

    internal static FeatureMap Clamp(FeatureMap x, float max)
    {
        var y = x with { Data = new float[x.Data.Length] };
        for (int i = 0; i < y.Data.Length; i++) y.Data[i] = Math.Min(Math.Max(x.Data[i], 0f), max);
        return y;
    }
}

/// <summary>keras.layers.ReLU(6.) as MobileNetV2 uses it, or ReLU() without a maximum (MobileNetV3).</summary>
internal sealed class ReLULayer(string name, SynthLayer input, double? maxValue) : SynthLayer(name, input)
{
    public override string ClassName => "ReLU";

    public override int[] OutputShape => Inputs[0].OutputShape;

    protected override void AddConfig(JsonObject config)
    {
        config["max_value"] = maxValue;
        config["negative_slope"] = 0.0;
        config["threshold"] = 0.0;
    }

    public override FeatureMap Forward(IReadOnlyList<FeatureMap> inputs) => ReluActivationLayer.Clamp(inputs[0], maxValue is double max ? (float)max : float.PositiveInfinity);
}
