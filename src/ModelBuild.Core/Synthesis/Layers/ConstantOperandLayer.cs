using System.Text.Json.Nodes;

namespace ModelBuild.Core.Synthesis.Layers;

/// <summary>The elementwise operations MobileNetV3's hard_sigmoid applies to a tensor and a Python float.</summary>
internal enum ConstantOperation
{
    Add,
    Multiply,
}

/// <summary>
/// <c>x + 3.0</c> or <c>x * (1.0 / 6.0)</c> on a tensor inside a functional model, as each Keras records it. Keras 2
/// wraps the TensorFlow function in a TFOpLambda layer (<c>tf.__operators__.add</c>, <c>tf.math.multiply</c>) whose
/// inbound node carries the constant as <c>{"y": 3.0, "name": null}</c>. Keras 3 records the operation itself
/// (module <c>keras.src.ops.numpy</c>, class Add or Multiply, registered under its class name, config just its name),
/// called with <c>args [tensor, 3.0]</c>.
/// </summary>
internal sealed class ConstantOperandLayer(string name, SynthLayer input, ConstantOperation operation, double constant, bool keras3)
    : SynthLayer(name, input)
{
    public override string ClassName => keras3 ? operation.ToString() : "TFOpLambda";

    public override int[] OutputShape => Inputs[0].OutputShape;

    public override string Keras3Module => "keras.src.ops.numpy";

    public override string? Keras3RegisteredName => operation.ToString();

    protected override void AddConfig(JsonObject config) =>
        config["function"] = operation == ConstantOperation.Add ? "__operators__.add" : "math.multiply";

    public override JsonObject Keras2CallKwargs() => new() { ["y"] = constant, ["name"] = null };

    public override JsonObject Keras3Config() => new() { ["name"] = Name };

    public override JsonArray Keras3CallArgs(IReadOnlyList<JsonNode> tensors) => [tensors[0], constant];

    public override FeatureMap Forward(IReadOnlyList<FeatureMap> inputs)
    {
        var x = inputs[0];
        float c = (float)constant;
        var y = x with { Data = new float[x.Data.Length] };
        for (int i = 0; i < y.Data.Length; i++) y.Data[i] = operation == ConstantOperation.Add ? x.Data[i] + c : x.Data[i] * c;
        return y;
    }
}

/// <summary>keras.layers.Flatten of a [1, 1, C] map to [C] (MobileNetV3's logits).</summary>
internal sealed class FlattenLayer(string name, SynthLayer input) : SynthLayer(name, input)
{
    public override string ClassName => "Flatten";

    public override int[] OutputShape => [Inputs[0].OutputShape.Aggregate(1, (a, d) => a * d)];

    protected override void AddConfig(JsonObject config) => config["data_format"] = "channels_last";

    public override FeatureMap Forward(IReadOnlyList<FeatureMap> inputs) =>
        inputs[0] with { H = 1, W = 1, C = inputs[0].H * inputs[0].W * inputs[0].C };
}
