using ModelBuild.Core.Graph;
using static ModelBuild.Core.Execution.Int8.Int8FixedPoint;

namespace ModelBuild.Core.Tests.Execution.Int8;

/// <summary>TFLite's fixed-point helpers (multiplier quantization, rounding shifts, saturating multiplies, activation bounds), against hand-computed values.</summary>
[TestClass]
public sealed class Int8FixedPointTests
{
    [TestMethod]
    [DataRow(0.5, 1 << 30, 0)]
    [DataRow(1.0, 1 << 30, 1)]
    [DataRow(0.25, 1 << 30, -1)]
    [DataRow(0.75, 1610612736, 0)]
    [DataRow(3.0, 1610612736, 2)]
    [DataRow(0.0, 0, 0)]
    public void QuantizeMultiplier_splits_into_a_q31_multiplier_and_a_shift(double real, int multiplier, int shift)
    {
        QuantizeMultiplier(real, out var m, out var s);
        Assert.AreEqual(multiplier, m);
        Assert.AreEqual(shift, s);
    }

    [TestMethod]
    public void QuantizeMultiplier_rounding_up_to_two_to_the_31_moves_to_the_next_exponent()
    {
        // 1 - 2^-40 has a mantissa that rounds to 2^31: TFLite halves it and bumps the exponent.
        QuantizeMultiplier(1 - Math.Pow(2, -40), out var m, out var s);
        Assert.AreEqual(1 << 30, m);
        Assert.AreEqual(1, s);
    }

    [TestMethod]
    public void A_tiny_multiplier_becomes_zero()
    {
        QuantizeMultiplier(Math.Pow(2, -40), out var m, out var s);
        Assert.AreEqual(0, m);
        Assert.AreEqual(0, s);
    }

    [TestMethod]
    public void RoundingDivideByPOT_rounds_half_away_from_zero()
    {
        Assert.AreEqual(3, RoundingDivideByPOT(5, 1));
        Assert.AreEqual(-3, RoundingDivideByPOT(-5, 1));
        Assert.AreEqual(-2, RoundingDivideByPOT(-3, 1));
        Assert.AreEqual(1, RoundingDivideByPOT(5, 2));
        Assert.AreEqual(-1, RoundingDivideByPOT(-6, 3));
        Assert.AreEqual(7, RoundingDivideByPOT(7, 0));
    }

    [TestMethod]
    public void SaturatingRoundingDoublingHighMul_saturates_only_min_times_min()
    {
        Assert.AreEqual(int.MaxValue, SaturatingRoundingDoublingHighMul(int.MinValue, int.MinValue));
        Assert.AreEqual(1 << 29, SaturatingRoundingDoublingHighMul(1 << 30, 1 << 30));
        Assert.AreEqual(-(1 << 29), SaturatingRoundingDoublingHighMul(-(1 << 30), 1 << 30));
        Assert.AreEqual(1, SaturatingRoundingDoublingHighMul(1, 1 << 30)); // 0.5 rounds away from zero
        Assert.AreEqual(0, SaturatingRoundingDoublingHighMul(-1, 1 << 30)); // -0.5 rounds towards +inf nudge: 0
    }

    [TestMethod]
    public void MultiplyByQuantizedMultiplier_approximates_the_real_product()
    {
        var r = new Random(3);
        for (int i = 0; i < 1000; i++)
        {
            double real = Math.Exp(r.NextDouble() * 10 - 8); // 3e-4 .. 7
            int x = r.Next(-1_000_000, 1_000_000);
            QuantizeMultiplier(real, out var m, out var s);
            int got = MultiplyByQuantizedMultiplier(x, m, s);
            Assert.IsLessThanOrEqualTo(1.0, Math.Abs(got - x * real), $"x={x} real={real}");
        }
    }

    [TestMethod]
    public void Activation_range_matches_the_tflite_quantized_bounds()
    {
        // Output scale 6/255, zp -128: ReLU6 clamps to [-128, 127]; ReLU only from below at the zero point.
        Assert.AreEqual((-128, 127), ActivationRange(FusedActivation.Relu6, 6f / 255, -128));
        Assert.AreEqual((-10, 127), ActivationRange(FusedActivation.Relu, 0.1f, -10));
        Assert.AreEqual((-10, 50), ActivationRange(FusedActivation.Relu6, 0.1f, -10));
        Assert.AreEqual((-20, 0), ActivationRange(FusedActivation.ReluN1To1, 0.1f, -10));
    }
}
