namespace ModelBuild.Core.Quantization;

/// <summary>
/// How closely a quantized model's outputs follow the float model's over several inputs: SQNR over all values,
/// 10·log10(Σ float² / Σ (float − int8)²), and how often both pick the same arg-max class.
/// </summary>
public class OutputAgreement
{
    private double signal, noise;

    public int Inputs { get; private set; }

    public int Top1Agree { get; private set; }

    public void Add(ReadOnlySpan<float> reference, ReadOnlySpan<float> quantized)
    {
        Inputs++;
        if (ArgMax(reference) == ArgMax(quantized)) Top1Agree++;
        Accumulate(reference, quantized);
    }

    /// <summary>Adds to the SQNR only (no input counted, no top-1).</summary>
    public void Accumulate(ReadOnlySpan<float> reference, ReadOnlySpan<float> quantized)
    {
        for (int i = 0; i < reference.Length; i++)
        {
            signal += (double)reference[i] * reference[i];
            double d = reference[i] - quantized[i];
            noise += d * d;
        }
    }

    /// <summary>Adds to the SQNR only, the int8 values dequantized on the fly (no copy of a large tensor).</summary>
    public void Accumulate(ReadOnlySpan<float> reference, ReadOnlySpan<sbyte> quantized, float scale, long zeroPoint) =>
        Accumulate(Sums(reference, quantized, scale, zeroPoint));

    /// <summary>
    /// What <see cref="Accumulate(ReadOnlySpan{float}, ReadOnlySpan{sbyte}, float, long)"/> adds for these values: Σ float²
    /// and Σ (float − int8)², each summed from zero in order. Several inputs' sums can be computed in parallel and then
    /// accumulated in order, with the same result to the last bit.
    /// </summary>
    public static (double Signal, double Noise) Sums(ReadOnlySpan<float> reference, ReadOnlySpan<sbyte> quantized, float scale, long zeroPoint)
    {
        double s = 0, n = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            double r = reference[i], d = r - scale * (quantized[i] - zeroPoint);
            s += r * r;
            n += d * d;
        }

        return (s, n);
    }

    public void Accumulate((double Signal, double Noise) sums)
    {
        signal += sums.Signal;
        noise += sums.Noise;
    }

    /// <summary>+∞ when the outputs are equal; −∞ when the float output is all zeros and the int8 one is not.</summary>
    public double SqnrDb => noise == 0 ? double.PositiveInfinity : 10 * Math.Log10(signal / noise);

    public override string ToString() => $"top-1 {Top1Agree}/{Inputs}, SQNR {SqnrDb:F1} dB";

    public static int ArgMax(ReadOnlySpan<float> v)
    {
        int best = 0;
        for (int i = 1; i < v.Length; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}
