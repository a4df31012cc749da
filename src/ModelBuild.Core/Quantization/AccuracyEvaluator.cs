using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Quantization;

/// <summary>
/// Runs the float and the int8 model on the same inputs and compares them: the model output (SQNR, top-1) and
/// every runtime tensor (SQNR of the int8 tensor, dequantized, against the float one). The role of TensorFlow's
/// quantization debugger, in process.
/// </summary>
public static class AccuracyEvaluator
{
    public const int WorstLayerCount = 5;

    /// <summary>The report, plus each input's float and int8 outputs (for checking the written chains against them).</summary>
    public sealed record Result(AccuracyReport Report, IReadOnlyList<float[]> FloatOutputs, IReadOnlyList<sbyte[]> Int8Outputs);

    public static Result Evaluate(ModelGraph floatGraph, ModelGraph int8Graph, IReadOnlyList<float[]> inputs, bool heldOut, double minSqnrDb)
    {
        var floatExec = new FloatExecutor(floatGraph);
        var int8Exec = new Int8Executor(int8Graph);
        var model = new OutputAgreement();
        var tensors = new Dictionary<string, OutputAgreement>(StringComparer.Ordinal);
        var int8Outputs = new List<sbyte[]>();
        // int8 one input at a time (the executor's batch is 1), keeping every tensor; then float on all inputs as one batch.
        var int8Values = new Dictionary<string, (sbyte[] Values, QuantParams Quant)>[inputs.Count];
        for (int b = 0; b < inputs.Count; b++)
        {
            var values = int8Values[b] = new(StringComparer.Ordinal);
            var q = QuantParamMath.QuantizeAffine(inputs[b], int8Graph.Inputs[0].Quant!);
            int8Outputs.Add(int8Exec.Run(new Dictionary<Tensor, sbyte[]>(ReferenceEqualityComparer.Instance) { [int8Graph.Inputs[0]] = q },
                (t, v) => values[t.Name] = (v, t.Quant!))[int8Graph.Outputs[0]]);
        }

        var batch = inputs.SelectMany(x => x).ToArray();
        var all = floatExec.Run(new Dictionary<Tensor, float[]> { [floatGraph.Inputs[0]] = batch }, inputs.Count, new Comparer(int8Values, tensors))[floatGraph.Outputs[0]];
        int per = all.Length / Math.Max(1, inputs.Count);
        var floatOutputs = Enumerable.Range(0, inputs.Count).Select(b => all.AsSpan(b * per, per).ToArray()).ToList();
        for (int b = 0; b < inputs.Count; b++) model.Add(floatOutputs[b], QuantParamMath.DequantizeAffine(int8Outputs[b], int8Graph.Outputs[0].Quant!));

        var output = int8Graph.Outputs[0];
        bool classifier = output.Rank == 2 && output.Shape[1] > 1;
        var layers = Layers(floatGraph, tensors);
        var worst = layers.OrderBy(r => r.Db).ThenBy(r => r.Row.Tensor, StringComparer.Ordinal).Take(WorstLayerCount).Select(r => r.Row).ToList();
        var mostLoss = layers.Where(r => r.Row.LossDb > 0).OrderByDescending(r => r.Row.LossDb).ThenBy(r => r.Row.Tensor, StringComparer.Ordinal).Select(r => r.Row).FirstOrDefault();
        var report = new AccuracyReport(inputs.Count, heldOut, AgreementFigures.Of(model, classifier), worst, mostLoss, minSqnrDb);
        return new Result(report, floatOutputs, int8Outputs);
    }

    /// <summary>Every compared tensor with its SQNR and how much its own layer lost against its worst input.</summary>
    private static List<(double Db, LayerAccuracy Row)> Layers(ModelGraph floatGraph, Dictionary<string, OutputAgreement> tensors)
    {
        double Db(Tensor? t) => t is not null && tensors.TryGetValue(t.Name, out var a) ? a.SqnrDb : double.PositiveInfinity;
        var rows = new List<(double Db, LayerAccuracy Row)>();
        foreach (var n in floatGraph.Nodes)
        {
            var outDb = Db(n.Outputs[0]);
            if (!double.IsFinite(outDb)) continue;
            var inDb = n.Inputs.Where(t => t is { IsConstant: false }).Select(Db).DefaultIfEmpty(double.PositiveInfinity).Min();
            double? loss = double.IsFinite(inDb) ? Math.Round(inDb - outDb, 2) : null;
            rows.Add((outDb, new LayerAccuracy(n.SourceLayer ?? n.Name, n.SourceClass ?? n.Op.ToString(), n.Outputs[0].Name, AgreementFigures.Round(outDb), loss)));
        }

        return rows;
    }

    private sealed class Comparer(Dictionary<string, (sbyte[] Values, QuantParams Quant)>[] int8Values, Dictionary<string, OutputAgreement> tensors) : ITensorObserver
    {
        public void Observe(Tensor tensor, ReadOnlySpan<float> values, int batch)
        {
            // Each input's sums on its own core (the float executor waits for the observer), added in input order.
            int per = values.Length / batch;
            var sums = new (double Signal, double Noise)?[batch];
            unsafe
            {
                fixed (float* all = values)
                {
                    var at = (IntPtr)all;
                    CoreParallel.For(0, batch, b =>
                    {
                        if (!int8Values[b].TryGetValue(tensor.Name, out var q) || q.Values.Length != per) return;
                        var slice = new ReadOnlySpan<float>((float*)at + (long)b * per, per);
                        sums[b] = OutputAgreement.Sums(slice, q.Values, q.Quant.Scale[0], q.Quant.ZeroPoint[0]);
                    });
                }
            }

            for (int b = 0; b < batch; b++)
            {
                if (sums[b] is not { } s) continue;
                if (!tensors.TryGetValue(tensor.Name, out var a)) tensors[tensor.Name] = a = new OutputAgreement();
                a.Accumulate(s);
            }
        }
    }
}
