using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Quantization;

/// <summary>Choosing int8 scales and zero points the way TFLite's post-training quantizer does.</summary>
public static class QuantParamMath
{
    public const int QMin = -128, QMax = 127;

    /// <summary>
    /// Asymmetric int8 parameters for a real range. The range is widened to include 0 (so real 0 is exact, as
    /// padding and ReLU need) and the zero point is the rounded, clamped real-0 position.
    /// </summary>
    public static QuantParams Asymmetric(float min, float max)
    {
        min = Math.Min(min, 0f);
        max = Math.Max(max, 0f);
        if (max - min == 0f) max = 1f; // an all-zero tensor: any scale represents it; keep the multipliers sane
        float scale = (max - min) / (QMax - QMin);
        float zeroPointFromMin = QMin - min / scale;
        long zeroPoint = zeroPointFromMin < QMin ? QMin
            : zeroPointFromMin > QMax ? QMax
            : (long)MathF.Round(zeroPointFromMin, MidpointRounding.AwayFromZero);
        return QuantParams.PerTensor(scale, zeroPoint);
    }

    /// <summary>Symmetric weight scale for [-127, 127]: max |w| / 127 (1 for an all-zero slice).</summary>
    public static float SymmetricScale(float maxAbs) => maxAbs > 0 ? maxAbs / 127f : 1f;

    public static sbyte QuantizeSymmetric(float value, float scale) =>
        (sbyte)Math.Clamp((int)MathF.Round(value / scale, MidpointRounding.AwayFromZero), -127, 127);

    public static sbyte QuantizeAffine(float value, float scale, long zeroPoint) =>
        (sbyte)Math.Clamp((long)MathF.Round(value / scale, MidpointRounding.AwayFromZero) + zeroPoint, QMin, QMax);

    /// <summary>Every value of <paramref name="values"/> quantized with one (scale, zero point), as <see cref="QuantizeAffine(float, float, long)"/>.</summary>
    public static sbyte[] QuantizeAffine(ReadOnlySpan<float> values, QuantParams p)
    {
        var q = new sbyte[values.Length];
        for (int i = 0; i < values.Length; i++) q[i] = QuantizeAffine(values[i], p.Scale[0], p.ZeroPoint[0]);
        return q;
    }

    /// <summary>The real values of per-tensor int8 values: scale · (q − zero point).</summary>
    public static float[] DequantizeAffine(ReadOnlySpan<sbyte> q, QuantParams p)
    {
        var y = new float[q.Length];
        for (int i = 0; i < q.Length; i++) y[i] = p.Scale[0] * (q[i] - p.ZeroPoint[0]);
        return y;
    }

    public static int QuantizeBias(float value, float scale)
    {
        double q = Math.Round((double)value / scale, MidpointRounding.AwayFromZero);
        return (int)Math.Clamp(q, int.MinValue, int.MaxValue);
    }
}
