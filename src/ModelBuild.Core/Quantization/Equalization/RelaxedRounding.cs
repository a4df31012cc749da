namespace ModelBuild.Core.Quantization.Equalization;

/// <summary>AdaRound's continuous relaxation (experimental).</summary>
internal static class RelaxedRounding
{
    private const double Zeta = 1.1, Gamma = -0.1;
    private static readonly int Iterations = int.Parse(Environment.GetEnvironmentVariable("MB_PT_ITERS") ?? "300");
    private static readonly double Lambda = double.Parse(Environment.GetEnvironmentVariable("MB_PT_LAMBDA") ?? "0.1", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly double Rate = double.Parse(Environment.GetEnvironmentVariable("MB_PT_LR") ?? "0.1", System.Globalization.CultureInfo.InvariantCulture);

    internal static double RoundRow(float[] data, int[] at, float scale, int pinned, double[] h, double[] mean, bool thenGreedy)
    {
        int row = at.Length;
        double diag = 0;
        for (int i = 0; i < row; i++) diag += h[i * row + i];
        double norm = row / Math.Max(diag, 1e-300);
        var hn = new float[row * row];
        for (int i = 0; i < hn.Length; i++) hn[i] = (float)(h[i] * norm);
        var floor = new double[row];
        var x = new double[row];
        var v = new double[row];
        var fixedLevel = new bool[row];
        for (int k = 0; k < row; k++)
        {
            x[k] = data[at[k]] / (double)scale;
            floor[k] = Math.Floor(x[k]);
            double frac = x[k] - floor[k];
            if (at[k] == pinned || frac == 0 || floor[k] < -127 || floor[k] + 1 > 127) fixedLevel[k] = true;
            double p = Math.Clamp((frac - Gamma) / (Zeta - Gamma), 1e-4, 1 - 1e-4);
            v[k] = Math.Log(p / (1 - p));
        }

        var e = new float[row];
        var hv = new double[row];
        var m1 = new double[row];
        var m2 = new double[row];
        const double b1 = 0.9, b2 = 0.999;
        int warm = Iterations / 5;
        for (int t = 0; t < Iterations; t++)
        {
            for (int k = 0; k < row; k++)
            {
                hv[k] = fixedLevel[k] ? Math.Round(x[k], MidpointRounding.AwayFromZero) - floor[k] : Rect(v[k]);
                e[k] = (float)(floor[k] + hv[k] - x[k]);
            }

            double beta = t < warm ? 0 : 20 - 18.0 * (t - warm) / Math.Max(1, Iterations - warm - 1);
            for (int k = 0; k < row; k++)
            {
                if (fixedLevel[k]) continue;
                double grad = 2 * System.Numerics.Tensors.TensorPrimitives.Dot(hn.AsSpan(k * row, row), e);
                if (beta > 0)
                {
                    double u = 2 * hv[k] - 1;
                    grad += Lambda * -beta * Math.Pow(Math.Abs(u), beta - 1) * Math.Sign(u) * 2;
                }

                double sig = 1 / (1 + Math.Exp(-v[k]));
                double lin = sig * (Zeta - Gamma) + Gamma;
                double dv = lin is > 0 and < 1 ? grad * sig * (1 - sig) * (Zeta - Gamma) : 0;
                m1[k] = b1 * m1[k] + (1 - b1) * dv;
                m2[k] = b2 * m2[k] + (1 - b2) * dv * dv;
                double mh = m1[k] / (1 - Math.Pow(b1, t + 1));
                double vh = m2[k] / (1 - Math.Pow(b2, t + 1));
                v[k] -= Rate * mh / (Math.Sqrt(vh) + 1e-8);
            }
        }

        double shift = 0;
        for (int k = 0; k < row; k++)
        {
            int q = fixedLevel[k] ? (int)Math.Round(x[k], MidpointRounding.AwayFromZero) : (int)floor[k] + (Rect(v[k]) >= 0.5 ? 1 : 0);
            q = Math.Clamp(q, -127, 127);
            if (at[k] == pinned) q = QuantParamMath.QuantizeSymmetric(data[at[k]], scale);
            float level = q * scale;
            shift += (level - (double)data[at[k]]) * mean[k];
            data[at[k]] = level;
        }

        _ = thenGreedy;
        return shift;
    }

    private static double Rect(double v) => Math.Clamp(1 / (1 + Math.Exp(-v)) * (Zeta - Gamma) + Gamma, 0, 1);
}
