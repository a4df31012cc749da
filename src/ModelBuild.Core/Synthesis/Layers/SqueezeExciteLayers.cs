using System.Text.Json.Nodes;

namespace ModelBuild.Core.Synthesis.Layers;

/// <summary>keras.layers.Reshape((1, 1, C)) of a pooled vector, as EfficientNet's squeeze-excite does.</summary>
internal sealed class ReshapeToPixelLayer(string name, SynthLayer input) : SynthLayer(name, input)
{
    public override string ClassName => "Reshape";

    public override int[] OutputShape => [1, 1, Inputs[0].OutputShape[^1]];

    protected override void AddConfig(JsonObject config) => config["target_shape"] = new JsonArray(1, 1, Inputs[0].OutputShape[^1]);

    public override FeatureMap Forward(IReadOnlyList<FeatureMap> inputs) => inputs[0] with { H = 1, W = 1 };
}

/// <summary>keras.layers.Multiply of an [H, W, C] map by a [1, 1, C] gate (squeeze-excite), broadcast over the pixels.</summary>
internal sealed class MultiplyLayer(string name, SynthLayer x, SynthLayer gate) : SynthLayer(name, x, gate)
{
    public override string ClassName => "Multiply";

    public override int[] OutputShape => Inputs[0].OutputShape;

    public override bool Keras3HasBuildConfig => true;

    protected override void AddConfig(JsonObject config)
    {
    }

    public override FeatureMap Forward(IReadOnlyList<FeatureMap> inputs)
    {
        var (x, g) = (inputs[0], inputs[1]);
        var y = x with { Data = new float[x.Data.Length] };
        int c = x.C, pixels = x.H * x.W;
        bool broadcast = g.H * g.W == 1;
        for (int n = 0; n < x.Batch; n++)
            for (int p = 0; p < pixels; p++)
            {
                int at = (n * pixels + p) * c, gateAt = broadcast ? n * c : at;
                for (int i = 0; i < c; i++) y.Data[at + i] = x.Data[at + i] * g.Data[gateAt + i];
            }

        return y;
    }
}

/// <summary>keras.layers.Dropout: the identity at inference; EfficientNet's drop-connect passes noise_shape (None, 1, 1, 1).</summary>
internal sealed class DropoutLayer(string name, SynthLayer input, double rate, bool perSample = false) : SynthLayer(name, input)
{
    public override string ClassName => "Dropout";

    public override int[] OutputShape => Inputs[0].OutputShape;

    protected override void AddConfig(JsonObject config)
    {
        config["rate"] = rate;
        config["noise_shape"] = perSample ? new JsonArray(null, 1, 1, 1) : null;
        config["seed"] = null;
    }

    /// <summary>Keras 3's Dropout.get_config writes seed before noise_shape.</summary>
    public override JsonObject Keras3Config()
    {
        var config = base.Keras3Config();
        var noise = config["noise_shape"]?.DeepClone();
        config.Remove("noise_shape");
        config["noise_shape"] = noise;
        return config;
    }

    public override JsonObject Keras3CallKwargs() => new() { ["training"] = false };

    public override FeatureMap Forward(IReadOnlyList<FeatureMap> inputs) => inputs[0];
}
