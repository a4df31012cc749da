namespace ModelBuild.Core.Execution.Float;

/// <summary>Elementwise activations and SOFTMAX over the last axis.</summary>
internal static class UnaryKernel
{
    public static void Relu(float[] x, float[] y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = Math.Max(x[i], 0f);
    }

    /// <summary>RELU6 (0, 6) and RELU_N1_TO_1 (-1, 1).</summary>
    public static void Clamp(float[] x, float[] y, float lo, float hi)
    {
        for (int i = 0; i < x.Length; i++) y[i] = Math.Clamp(x[i], lo, hi);
    }

    public static void Logistic(float[] x, float[] y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = 1f / (1f + MathF.Exp(-x[i]));
    }

    public static void Tanh(float[] x, float[] y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = MathF.Tanh(x[i]);
    }

    public static void HardSwish(float[] x, float[] y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = x[i] * Math.Clamp(x[i] + 3f, 0f, 6f) / 6f;
    }

    public static void LeakyRelu(float[] x, float[] y, float alpha)
    {
        for (int i = 0; i < x.Length; i++) y[i] = x[i] >= 0 ? x[i] : alpha * x[i];
    }

    public static void Softmax(float[] x, float[] y, int lastDim, float beta)
    {
        for (int r = 0; r < x.Length; r += lastDim)
        {
            float max = float.NegativeInfinity;
            for (int i = 0; i < lastDim; i++) max = Math.Max(max, x[r + i]);
            double sum = 0;
            for (int i = 0; i < lastDim; i++) sum += y[r + i] = MathF.Exp(beta * (x[r + i] - max));
            for (int i = 0; i < lastDim; i++) y[r + i] = (float)(y[r + i] / sum);
        }
    }
}
