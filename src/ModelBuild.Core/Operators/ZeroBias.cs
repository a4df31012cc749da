using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Operators;

/// <summary>
/// TFLite 2.9's CONV_2D and DEPTHWISE_CONV_2D refuse a missing (-1) bias, so the writer gives them a zero one:
/// int32 with scale input × weight per channel in an int8 graph, as Google's converter always writes one.
/// </summary>
internal static class ZeroBias
{
    public static IReadOnlyList<Tensor?> Ensure(Node node)
    {
        if (node.Inputs.Count >= 3 && node.Inputs[2] is not null) return node.Inputs;
        var inputs = node.Inputs.ToList();
        while (inputs.Count < 3) inputs.Add(null);
        inputs[2] = Make(node);
        return inputs;
    }

    private static Tensor Make(Node node)
    {
        var x = node.Inputs[0]!;
        var w = node.Inputs[1] ?? throw new ArgumentException($"Node '{node.Name}' ({node.Op}) has no weights.");
        int channels = node.Outputs[0].Shape[^1];
        if (w.Type != DataType.Int8)
            return new Tensor(node.Name + "/zero_bias", [channels], DataType.Float32, new float[channels]);
        var xq = x.Quant ?? throw new ArgumentException($"Node '{node.Name}': int8 input '{x.Name}' has no quantization.");
        var wq = w.Quant ?? throw new ArgumentException($"Node '{node.Name}': int8 weights '{w.Name}' have no quantization.");
        var scales = Enumerable.Range(0, wq.Scale.Length).Select(i => xq.Scale[0] * wq.Scale[i]).ToArray();
        return new Tensor(node.Name + "/zero_bias", [channels], DataType.Int32, new int[channels])
        {
            Quant = new QuantParams(scales, new long[scales.Length], 0),
        };
    }
}
