using System.Text.Json.Nodes;

namespace ModelBuild.Core.Synthesis.Layers;

/// <summary>keras.Input(shape=(H, W, C)): the model's single input.</summary>
internal sealed class InputLayerSpec(string name, int height, int width, int channels) : SynthLayer(name)
{
    public override string ClassName => "InputLayer";

    public override int[] OutputShape => [height, width, channels];

    /// <summary>An InputLayer's config has no trainable flag and puts its name last.</summary>
    public override JsonObject Config() => new()
    {
        ["batch_input_shape"] = new JsonArray(null, height, width, channels),
        ["dtype"] = "float32",
        ["sparse"] = false,
        ["ragged"] = false,
        ["name"] = Name,
    };

    /// <summary>Keras 3's InputLayer: batch_shape instead of batch_input_shape, and an optional flag.</summary>
    public override JsonObject Keras3Config() => new()
    {
        ["batch_shape"] = Keras3Serialization.BatchShape(OutputShape),
        ["dtype"] = "float32",
        ["sparse"] = false,
        ["ragged"] = false,
        ["name"] = Name,
        ["optional"] = false,
    };

    protected override void AddConfig(JsonObject config)
    {
    }

    public override FeatureMap Forward(IReadOnlyList<FeatureMap> inputs) => inputs[0];
}
