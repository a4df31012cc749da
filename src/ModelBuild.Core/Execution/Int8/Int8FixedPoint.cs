namespace ModelBuild.Core.Execution.Int8;

/// <summary>
/// TFLite's fixed-point helpers (quantization_util / common.h / gemmlowp), reproduced bit for bit:
/// a real multiplier becomes a Q31 mantissa plus a power-of-two exponent, applied with a rounding
/// doubling high multiply followed by a rounding right shift.
/// </summary>
public static class Int8FixedPoint
{
    /// <summary>Splits <paramref name="realMultiplier"/> into a Q31 <paramref name="multiplier"/> and <paramref name="shift"/> (positive = left).</summary>
    public static void QuantizeMultiplier(double realMultiplier, out int multiplier, out int shift)
    {
        if (realMultiplier == 0.0)
        {
            multiplier = 0;
            shift = 0;
            return;
        }

        double q = Frexp(realMultiplier, out shift);
        long qFixed = (long)Math.Round(q * (1L << 31), MidpointRounding.AwayFromZero);
        if (qFixed == 1L << 31)
        {
            qFixed /= 2;
            shift++;
        }

        if (shift < -31)
        {
            shift = 0;
            qFixed = 0;
        }

        multiplier = (int)qFixed;
    }

    /// <summary>C's frexp: x = mantissa * 2^exponent with |mantissa| in [0.5, 1).</summary>
    public static double Frexp(double x, out int exponent)
    {
        if (x == 0 || double.IsNaN(x) || double.IsInfinity(x))
        {
            exponent = 0;
            return x;
        }

        long bits = BitConverter.DoubleToInt64Bits(x);
        int rawExp = (int)((bits >> 52) & 0x7FF);
        if (rawExp == 0)
        {
            // Subnormal: scale into the normal range first.
            double m = Frexp(x * 18014398509481984.0 /* 2^54 */, out exponent);
            exponent -= 54;
            return m;
        }

        exponent = rawExp - 1022;
        long mantissaBits = (bits & unchecked((long)0x800FFFFFFFFFFFFFUL)) | (1022L << 52);
        return BitConverter.Int64BitsToDouble(mantissaBits);
    }

    public static int SaturatingRoundingDoublingHighMul(int a, int b)
    {
        if (a == b && a == int.MinValue) return int.MaxValue;
        long ab = (long)a * b;
        long nudge = ab >= 0 ? 1L << 30 : 1 - (1L << 30);
        return (int)((ab + nudge) / (1L << 31));
    }

    public static int RoundingDivideByPOT(int x, int exponent)
    {
        int mask = (int)((1L << exponent) - 1);
        int remainder = x & mask;
        int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (x >> exponent) + (remainder > threshold ? 1 : 0);
    }

    /// <summary>x * multiplier * 2^shift with TFLite's rounding (the default, double-rounding variant).</summary>
    public static int MultiplyByQuantizedMultiplier(int x, int multiplier, int shift)
    {
        int leftShift = shift > 0 ? shift : 0;
        int rightShift = shift > 0 ? 0 : -shift;
        return RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(unchecked(x * (1 << leftShift)), multiplier), rightShift);
    }

    /// <summary>
    /// The multiplier as ruy's x86 (AVX2/AVX-512) GEMM kernels apply it, which TFLite uses for CONV_2D and
    /// FULLY_CONNECTED on x86: the same rounding high multiply, but the final right shift rounds half up
    /// (towards +infinity) instead of half away from zero. Differs from <see cref="MultiplyByQuantizedMultiplier"/>
    /// only on negative exact ties.
    /// </summary>
    public static int MultiplyByQuantizedMultiplierGemm(int x, int multiplier, int shift)
    {
        int leftShift = shift > 0 ? shift : 0;
        int rightShift = shift > 0 ? 0 : -shift;
        long ab = (long)unchecked(x << leftShift) * multiplier;
        int high = unchecked((int)((ab + (1L << 30)) >> 31));
        if (rightShift == 0) return high;
        int nudge = 1 << (rightShift - 1);
        if (high > int.MaxValue - nudge) return 1 << (31 - rightShift);
        return (high + nudge) >> rightShift;
    }

    /// <summary>16-bit gemmlowp SaturatingRoundingDoublingHighMul.</summary>
    public static short SaturatingRoundingDoublingHighMul(short a, short b)
    {
        if (a == b && a == short.MinValue) return short.MaxValue;
        int ab = a * b;
        int nudge = ab >= 0 ? 1 << 14 : 1 - (1 << 14);
        return (short)((ab + nudge) / (1 << 15));
    }

    public static short RoundingDivideByPOT(short x, int exponent)
    {
        int mask = (1 << exponent) - 1;
        int remainder = x & mask;
        int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (short)((x >> exponent) + (remainder > threshold ? 1 : 0));
    }

    /// <summary>C++ (int)std::round(float) and friends: half away from zero.</summary>
    public static float RoundF(float x) => MathF.Round(x, MidpointRounding.AwayFromZero);

    public static int Clamp(int v, int min, int max) => v < min ? min : v > max ? max : v;

    /// <summary>TFLite's CalculateActivationRangeQuantized for an int8 output.</summary>
    public static (int Min, int Max) ActivationRange(Graph.FusedActivation activation, float outputScale, int outputZeroPoint)
    {
        int Quantize(float f) => outputZeroPoint + (int)RoundF(f / outputScale);
        const int qmin = sbyte.MinValue, qmax = sbyte.MaxValue;
        return activation switch
        {
            Graph.FusedActivation.Relu => (Math.Max(qmin, Quantize(0f)), qmax),
            Graph.FusedActivation.Relu6 => (Math.Max(qmin, Quantize(0f)), Math.Min(qmax, Quantize(6f))),
            Graph.FusedActivation.ReluN1To1 => (Math.Max(qmin, Quantize(-1f)), Math.Min(qmax, Quantize(1f))),
            _ => (qmin, qmax),
        };
    }
}
