using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.TfLite;

namespace ModelBuild.Core.Slicing;

/// <summary>
/// Runs every combo's chain of written .tflite files (read back from the model store) on the first of the accuracy
/// report's inputs and compares the chain's output with the float model's and with the whole int8 model's. The
/// segments run once and their cut values feed every tail, so the cost is one model run plus the tails (about K/2
/// model runs): one input keeps that small, and a chain that matches the whole int8 model bit for bit on it is the
/// same arithmetic on every input.
/// </summary>
public static class ChainAccuracy
{
    public static Dictionary<string, ChainFigures> Evaluate(string storeDirectory, CutPlan plan, QuantParams inputQuant, IReadOnlyList<float[]> inputs,
        AccuracyEvaluator.Result whole, CancellationToken cancel = default)
    {
        var combos = ComboPlan.Build(plan);
        var segments = combos[0].Models;
        // cuts[i][j]: input i's int8 value entering segment j+1 (cuts[i][0] is the quantized model input).
        var cuts = inputs.Take(1).Select(x => new List<sbyte[]> { QuantParamMath.QuantizeAffine(x, inputQuant) }).ToList();
        QuantParams? outputQuant = null;
        foreach (var segment in segments)
        {
            cancel.ThrowIfCancellationRequested();
            var exec = Open(storeDirectory, segment.FileName);
            outputQuant = exec.Graph.Outputs[0].Quant!;
            foreach (var values in cuts) values.Add(exec.Run(values[^1]));
        }

        var result = new Dictionary<string, ChainFigures>(StringComparer.Ordinal)
        {
            [combos[0].Folder] = Figures(cuts.Select(c => c[^1]).ToList(), outputQuant!, whole),
        };
        foreach (var combo in combos.Skip(1))
        {
            cancel.ThrowIfCancellationRequested();
            var tail = Open(storeDirectory, combo.Models[^1].FileName);
            var outputs = cuts.Select(c => tail.Run(c[combo.K - 1])).ToList();
            result[combo.Folder] = Figures(outputs, tail.Graph.Outputs[0].Quant!, whole);
        }

        return result;
    }

    private static ChainFigures Figures(List<sbyte[]> outputs, QuantParams quant, AccuracyEvaluator.Result whole)
    {
        var agreement = new OutputAgreement();
        for (int i = 0; i < outputs.Count; i++) agreement.Add(whole.FloatOutputs[i], QuantParamMath.DequantizeAffine(outputs[i], quant));
        bool matches = outputs.Select((o, i) => o.AsSpan().SequenceEqual(whole.Int8Outputs[i])).All(b => b);
        var classifier = whole.Report.Model.Top1Agree is not null;
        return new ChainFigures(AgreementFigures.Of(agreement, classifier), matches);
    }

    private static Int8Executor Open(string storeDirectory, string file) =>
        new(TfLiteReader.Read(File.ReadAllBytes(Path.Combine(storeDirectory, file)), file));
}
