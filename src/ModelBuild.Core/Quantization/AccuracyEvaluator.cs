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

    /// <param name="kept">
    /// The float values calibration kept of its first samples: when they are of <paramref name="inputs"/>, the int8 model is
    /// compared with them and no float executor is made; otherwise the float model runs here.
    /// </param>
    public static Result Evaluate(ModelGraph floatGraph, ModelGraph int8Graph, IReadOnlyList<float[]> inputs, bool heldOut, double minSqnrDb, FloatReference? kept = null)
    {
        var int8Exec = new Int8Executor(int8Graph);
        var model = new OutputAgreement();
        var tensors = new Dictionary<string, OutputAgreement>(StringComparer.Ordinal);
        var int8Outputs = new List<sbyte[]>();
        // int8 one input at a time (the executor's batch is 1), keeping every tensor; then the float values, kept or run
        // on all inputs as one batch, each tensor's sums computed for every input at once and added in input order.
        var int8Values = new Dictionary<string, (sbyte[] Values, QuantParams Quant)>[inputs.Count];
        for (int b = 0; b < inputs.Count; b++)
        {
            var values = int8Values[b] = new(StringComparer.Ordinal);
            var q = QuantParamMath.QuantizeAffine(inputs[b], int8Graph.Inputs[0].Quant!);
            int8Outputs.Add(int8Exec.Run(new Dictionary<Tensor, sbyte[]>(ReferenceEqualityComparer.Instance) { [int8Graph.Inputs[0]] = q },
                (t, v) => values[t.Name] = (v, t.Quant!))[int8Graph.Outputs[0]]);
        }

        List<float[]> floatOutputs;
        var comparer = new Comparer(int8Values, tensors);
        if (kept is not null && kept.Holds(floatGraph, inputs))
        {
            foreach (var name in kept.Tensors) comparer.Compare(name, b => kept.Value(name, b));
            floatOutputs = Enumerable.Range(0, inputs.Count).Select(b => kept.Value(floatGraph.Outputs[0].Name, b)!).ToList();
        }
        else
        {
            var batch = inputs.SelectMany(x => x).ToArray();
            var all = new FloatExecutor(floatGraph).Run(new Dictionary<Tensor, float[]> { [floatGraph.Inputs[0]] = batch }, inputs.Count, comparer)[floatGraph.Outputs[0]];
            int per = all.Length / Math.Max(1, inputs.Count);
            floatOutputs = Enumerable.Range(0, inputs.Count).Select(b => all.AsSpan(b * per, per).ToArray()).ToList();
        }

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
            int per = values.Length / batch;
            unsafe
            {
                fixed (float* all = values)
                {
                    var at = (IntPtr)all;
                    Compare(tensor.Name, b => new ReadOnlySpan<float>((float*)at + (long)b * per, per));
                }
            }
        }

        /// <summary>One tensor's sums: each input's on its own core, added in input order (the same bits whatever the cores).</summary>
        public void Compare(string tensor, FloatValues floatOf)
        {
            var sums = new (double Signal, double Noise)?[int8Values.Length];
            CoreParallel.For(0, int8Values.Length, b =>
            {
                var f = floatOf(b);
                if (!int8Values[b].TryGetValue(tensor, out var q) || q.Values.Length != f.Length) return;
                sums[b] = OutputAgreement.Sums(f, q.Values, q.Quant.Scale[0], q.Quant.ZeroPoint[0]);
            });

            for (int b = 0; b < sums.Length; b++)
            {
                if (sums[b] is not { } s) continue;
                if (!tensors.TryGetValue(tensor, out var a)) tensors[tensor] = a = new OutputAgreement();
                a.Accumulate(s);
            }
        }
    }

    /// <summary>Input <c>b</c>'s float values of one tensor.</summary>
    private delegate ReadOnlySpan<float> FloatValues(int b);
}
