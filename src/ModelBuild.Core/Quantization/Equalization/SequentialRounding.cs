using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Quantization.Equalization;

/// <summary>
/// Adaptive rounding against the int8 model's own inputs, layer by layer (AdaRound's asymmetric reconstruction): in
/// graph order, each layer's input is taken from the int8 model whose earlier layers are already rounded and from the
/// float model, on the same samples (<see cref="PairedLayerMoments"/>), and the layer is rounded for the error of its
/// output against the float one, which also makes up for the error that reaches it from the layers before. Starts from
/// <see cref="AdaptiveRounding.Apply"/> (float moments); a layer reading the model input, or whose row is longer than
/// <see cref="InputMoments.MaxRow"/>, keeps that rounding.
/// <para>
/// Cost: for each such layer, the part of the graph before it is quantized and run once more, int8 and float, on every
/// sample (about half a model's work per layer).
/// </para>
/// </summary>
public static class SequentialRounding
{
    /// <summary>The float graph whose weights are rounded levels (to be bias-corrected and quantized with the same ranges).</summary>
    public static ModelGraph Apply(
        ModelGraph equalized, InputMoments moments, LinearRangeMoments? linear, CalibrationResult ranges, InputMeans means, QuantizationOptions options, IEnumerable<float[]> samples)
    {
        var current = AdaptiveRounding.Apply(equalized, moments, linear);
        if (equalized.Inputs.Count != 1) return current;
        var list = samples as IReadOnlyList<float[]> ?? samples.ToList();
        var producer = new Dictionary<Tensor, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < equalized.Nodes.Count; i++)
            foreach (var t in equalized.Nodes[i].Outputs) producer[t] = i;

        for (int i = 0; i < equalized.Nodes.Count; i++)
        {
            var n = equalized.Nodes[i];
            if (!AdaptiveRounding.IsRounded(n, moments) || !AdaptiveRounding.IsCentred(equalized, n)
                || PairedLayerMoments.For(n) is not { } paired || paired.Row > InputMoments.MaxRow)
                continue;
            var before = Ancestors(equalized, producer, n.Inputs[0]!);
            var floatPrefix = Prefix(equalized, before, n.Inputs[0]!);
            var roundedPrefix = Prefix(current, before, current.Nodes[i].Inputs[0]!);
            var int8Prefix = Quantizer.Quantize(options.CorrectBias ? BiasCorrection.Apply(roundedPrefix, means, options) : roundedPrefix, ranges, options);
            if (int8Prefix.Outputs[0].Quant is not { } outQuant || int8Prefix.Inputs[0].Quant is not { } inQuant) continue;
            var floatExec = new FloatExecutor(floatPrefix);
            var int8Exec = new Int8Executor(int8Prefix);
            foreach (var sample in list)
            {
                var reference = floatExec.Run(sample);
                var quantized = QuantParamMath.DequantizeAffine(int8Exec.Run(QuantParamMath.QuantizeAffine(sample, inQuant)), outQuant);
                paired.Add(quantized, reference);
            }

            if (paired.Count < paired.Row) continue;
            var nodes = current.Nodes.ToList();
            nodes[i] = AdaptiveRounding.Rounded(equalized, n, RoundingObjective.Of(paired, centred: true));
            current = new ModelGraph(current.Name, current.Inputs, current.Outputs, nodes);
        }

        return current;
    }

    /// <summary>Indices of the nodes <paramref name="tensor"/> depends on, in graph order.</summary>
    private static SortedSet<int> Ancestors(ModelGraph graph, Dictionary<Tensor, int> producer, Tensor tensor)
    {
        var found = new SortedSet<int>();
        var pending = new Stack<Tensor>([tensor]);
        while (pending.TryPop(out var t))
        {
            if (!producer.TryGetValue(t, out int i) || !found.Add(i)) continue;
            foreach (var x in graph.Nodes[i].Inputs)
                if (x is { IsConstant: false }) pending.Push(x);
        }

        return found;
    }

    private static ModelGraph Prefix(ModelGraph graph, SortedSet<int> nodes, Tensor output) =>
        new(graph.Name, graph.Inputs, [output], nodes.Select(i => graph.Nodes[i]));
}
