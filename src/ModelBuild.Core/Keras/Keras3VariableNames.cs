namespace ModelBuild.Core.Keras;

/// <summary>
/// The names of a Keras 3 layer's variables in the order it saves them (trainable ones first, each group in
/// creation order), spelled as the layer converter asks for them.
/// </summary>
internal static class Keras3VariableNames
{
    public static IReadOnlyList<string> Of(string className, KerasConfig config)
    {
        var bias = config.Bool("use_bias", true) ? new[] { "bias" } : [];
        return className switch
        {
            "DepthwiseConv2D" => ["depthwise_kernel", .. bias],
            "SeparableConv2D" or "SeparableConvolution2D" => ["depthwise_kernel", "pointwise_kernel", .. bias],
            "BatchNormalization" =>
            [
                .. config.Bool("scale", true) ? new[] { "gamma" } : [],
                .. config.Bool("center", true) ? new[] { "beta" } : [],
                "moving_mean", "moving_variance",
            ],
            "Normalization" => ["mean", "variance", "count"],
            "LayerNormalization" =>
            [
                .. config.Bool("scale", true) ? new[] { "gamma" } : [],
                .. config.Bool("center", true) ? new[] { "beta" } : [],
            ],
            "PReLU" => ["alpha"],
            _ => ["kernel", .. bias],
        };
    }
}
