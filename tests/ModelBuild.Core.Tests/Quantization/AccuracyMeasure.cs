namespace ModelBuild.Core.Tests.Quantization;

/// <summary>Agreement of a quantized model's outputs with the float model's: top-1 and SQNR over all outputs.</summary>
internal sealed class AccuracyMeasure
{
    private double signal, noise;

    public int Inputs { get; private set; }

    public int Top1Agree { get; private set; }

    public void Add(float[] reference, float[] quantized)
    {
        Inputs++;
        if (ArgMax(reference) == ArgMax(quantized)) Top1Agree++;
        for (int i = 0; i < reference.Length; i++)
        {
            signal += (double)reference[i] * reference[i];
            double d = reference[i] - quantized[i];
            noise += d * d;
        }
    }

    /// <summary>10·log10(Σ float² / Σ (float − int8)²).</summary>
    public double SqnrDb => noise == 0 ? double.PositiveInfinity : 10 * Math.Log10(signal / noise);

    public override string ToString() => $"top-1 {Top1Agree}/{Inputs}, SQNR {SqnrDb:F1} dB";

    public static int ArgMax(float[] v)
    {
        int best = 0;
        for (int i = 1; i < v.Length; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}
