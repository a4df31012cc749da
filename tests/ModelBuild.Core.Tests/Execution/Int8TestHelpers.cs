using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Quantization;

namespace ModelBuild.Core.Tests.Execution;

internal static class Int8TestHelpers
{
    /// <summary>Min/max calibration of any-input graph (the Calibrator itself takes single-input models).</summary>
    public static CalibrationResult CalibrateRandom(ModelGraph g, int samples, int seed)
    {
        var r = new Random(seed);
        var amp = Int8OneOpModels.Amplitudes(g);
        var exec = new FloatExecutor(g);
        var observer = new MinMaxCollector();
        for (int s = 0; s < samples; s++)
            exec.Run(RandomInputs(g, amp, r), 1, observer);
        return observer.Result;
    }

    public static Dictionary<Tensor, float[]> RandomInputs(ModelGraph g, float[] amp, Random r)
    {
        var d = new Dictionary<Tensor, float[]>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < g.Inputs.Count; i++)
            d[g.Inputs[i]] = Enumerable.Range(0, (int)g.Inputs[i].ElementCount).Select(_ => (float)(r.NextDouble() * 2 - 1) * amp[i]).ToArray();
        return d;
    }

    public static sbyte[] Quantize(float[] x, QuantParams p) =>
        x.Select(v => QuantParamMath.QuantizeAffine(v, p.Scale[0], p.ZeroPoint[0])).ToArray();

    public static float[] Dequantize(sbyte[] q, QuantParams p) => q.Select(v => p.Scale[0] * (v - p.ZeroPoint[0])).ToArray();

    /// <summary>Runs a one-input int8 model on real values: the input quantized, the first output dequantized.</summary>
    public static float[] RunOnRealValues(Int8Executor exec, float[] x) =>
        Dequantize(exec.Run(Quantize(x, exec.Graph.Inputs[0].Quant!)), exec.Graph.Outputs[0].Quant!);

    public static sbyte[] RandomInt8(int n, Random r) => Enumerable.Range(0, n).Select(_ => (sbyte)r.Next(-128, 128)).ToArray();

    private sealed class MinMaxCollector : ITensorObserver
    {
        public CalibrationResult Result { get; } = new();

        public void Observe(Tensor tensor, ReadOnlySpan<float> values, int batch)
        {
            float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
            foreach (var v in values)
            {
                lo = Math.Min(lo, v);
                hi = Math.Max(hi, v);
            }

            if (Result.TryGetRange(tensor.Name, out var old))
            {
                lo = Math.Min(lo, old.Min);
                hi = Math.Max(hi, old.Max);
            }

            Result.Set(tensor.Name, lo, hi);
        }
    }
}
