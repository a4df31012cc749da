namespace ModelBuild.Core.Quantization.Equalization;

/// <summary>
/// What <see cref="AdaptiveRounding"/> minimizes for each row of one layer: dᵀ·H·d + 2·bᵀ·d over the row's rounding
/// error d, H per moment group (one per depthwise channel, else one), b per row. From the float model's moments
/// (<see cref="LayerMoments"/>) b is 0 and H the second moment of the patches; from the int8 model's own inputs
/// (<see cref="PairedLayerMoments"/>) H is the second moment of the int8 patches p̃ and b = E[p̃·δᵀ]·w, so a row also
/// makes up for the error δ = p̃ − p its input already carries. Centred (the mean's share moved into the bias) except
/// for layers reading the model input.
/// </summary>
internal sealed class RoundingObjective
{
    /// <summary>
    /// Added to H's diagonal as a fraction of its mean diagonal: a few photos and their crops leave H ill-conditioned, and
    /// a search that trusts its near-null directions fits the samples, not the next input (docs/ACCURACY.md: 1-10 % measured).
    /// </summary>
    private const double Damping = 0.05;

    private readonly double[][]? cross;
    private readonly double[][]? meanError;

    private RoundingObjective(int row, double[][] h, double[][] mean, double[][]? cross, double[][]? meanError)
    {
        Row = row;
        H = h;
        Mean = mean;
        this.cross = cross;
        this.meanError = meanError;
    }

    public int Row { get; }

    /// <summary>H of output row <paramref name="r"/>: its group's (or its own, when H is kept per row).</summary>
    public double[] HessianOf(int r) => H.Length > 1 ? H[r] : H[0];

    /// <summary>E[p] of output row <paramref name="r"/>'s group.</summary>
    public double[] MeanOf(int r) => Mean.Length > 1 ? Mean[r] : Mean[0];

    /// <summary>H of each group, row-major Row × Row, damped.</summary>
    public double[][] H { get; }

    /// <summary>E[p] of each group: the output's mean shift of a row is Σ d·E[p].</summary>
    public double[][] Mean { get; }

    public static RoundingObjective Of(LayerMoments m, bool centred)
    {
        var mean = Enumerable.Range(0, m.Groups).Select(m.Mean).ToArray();
        var h = Enumerable.Range(0, m.Groups).Select(g => Damped(Centred(m.Second(g), mean[g], mean[g], centred), m.Row)).ToArray();
        return new RoundingObjective(m.Row, h, mean, null, null);
    }

    public static RoundingObjective Of(PairedLayerMoments m, bool centred)
    {
        var mean = Enumerable.Range(0, m.Groups).Select(m.MeanQuantized).ToArray();
        var error = Enumerable.Range(0, m.Groups).Select(m.MeanError).ToArray();
        var h = Enumerable.Range(0, m.Groups).Select(g => Damped(Centred(m.SecondQuantized(g), mean[g], mean[g], centred), m.Row)).ToArray();
        var cross = Enumerable.Range(0, m.Groups).Select(g => Centred(m.Cross(g), mean[g], error[g], centred)).ToArray();
        return new RoundingObjective(m.Row, h, mean, cross, centred ? error : null);
    }

    /// <summary>Uncentred, H per output row: the second moments of <see cref="LinearRangeMoments"/>.</summary>
    public static RoundingObjective Of(double[][] perRow, int row) =>
        new(row, perRow.Select(h => Damped(h, row)).ToArray(), [new double[row]], null, null);

    /// <summary>
    /// b of the row whose float weights sit at <paramref name="at"/> in <paramref name="weights"/>, and the mean output
    /// error those weights already have on the int8 model's input (w·E[δ], to move into the bias; 0 when not centred).
    /// </summary>
    public (double[] B, double Shift) Linear(float[] weights, int[] at, int group)
    {
        var b = new double[Row];
        if (cross is null || Environment.GetEnvironmentVariable("PT_NOB") == "1") return (b, Environment.GetEnvironmentVariable("PT_NOSHIFT") == "1" || meanError is null ? 0 : Dot(weights, at, meanError[group]));
        var c = cross[group];
        for (int i = 0; i < Row; i++)
        {
            double s = 0;
            for (int j = 0; j < Row; j++) s += c[i * Row + j] * weights[at[j]];
            b[i] = s * BScale;
        }

        return (b, Environment.GetEnvironmentVariable("PT_NOSHIFT") == "1" || meanError is null ? 0 : Dot(weights, at, meanError[group]));
    }

    private static readonly double BScale = double.TryParse(Environment.GetEnvironmentVariable("PT_BSCALE"), out var v) ? v : 1;

    private static double Dot(float[] w, int[] at, double[] v)
    {
        double s = 0;
        for (int j = 0; j < at.Length; j++) s += w[at[j]] * v[j];
        return s;
    }

    /// <summary><paramref name="second"/> − a·cᵀ when centred (E[x·yᵀ] − E[x]·E[y]ᵀ), in place.</summary>
    private static double[] Centred(double[] second, double[] a, double[] c, bool centred)
    {
        if (!centred) return second;
        int row = a.Length;
        for (int i = 0; i < row; i++)
            for (int j = 0; j < row; j++) second[i * row + j] -= a[i] * c[j];
        return second;
    }

    private static double[] Damped(double[] h, int row)
    {
        double diagonal = 0;
        for (int i = 0; i < row; i++) diagonal += h[i * row + i];
        double damping = Damping * Math.Max(diagonal / row, 1e-12);
        for (int i = 0; i < row; i++) h[i * row + i] += damping;
        return h;
    }
}
