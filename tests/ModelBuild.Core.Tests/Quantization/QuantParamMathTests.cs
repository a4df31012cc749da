using ModelBuild.Core.Quantization;

namespace ModelBuild.Core.Tests.Quantization;

/// <summary>TFLite's int8 parameter rules, checked against values worked out by hand.</summary>
[TestClass]
public sealed class QuantParamMathTests
{
    [TestMethod]
    public void An_asymmetric_range_spreads_over_255_steps_with_the_rounded_zero_point()
    {
        // scale = 4 / 255; real 0 sits at -128 + 1 / scale = -64.25, rounded to -64.
        var p = QuantParamMath.Asymmetric(-1f, 3f);

        Assert.AreEqual(4f / 255, p.Scale[0], 1e-9f);
        Assert.AreEqual(-64L, p.ZeroPoint[0]);
    }

    [TestMethod]
    public void A_range_that_excludes_zero_is_widened_to_include_it()
    {
        var p = QuantParamMath.Asymmetric(2f, 5f);

        Assert.AreEqual(5f / 255, p.Scale[0], 1e-9f, "the range is [0, 5]");
        Assert.AreEqual(-128L, p.ZeroPoint[0]);
    }

    [TestMethod]
    public void An_all_zero_range_gets_scale_one_over_255()
    {
        var p = QuantParamMath.Asymmetric(0f, 0f);

        Assert.AreEqual(1f / 255, p.Scale[0], 1e-9f);
        Assert.AreEqual(-128L, p.ZeroPoint[0]);
    }

    [TestMethod]
    public void A_negative_only_range_puts_the_zero_point_at_127()
    {
        var p = QuantParamMath.Asymmetric(-3f, -1f);

        Assert.AreEqual(3f / 255, p.Scale[0], 1e-9f);
        Assert.AreEqual(127L, p.ZeroPoint[0]);
    }

    [TestMethod]
    public void The_symmetric_scale_maps_the_largest_magnitude_to_127() =>
        Assert.AreEqual(0.02f, QuantParamMath.SymmetricScale(2.54f), 1e-9f);

    [TestMethod]
    public void An_all_zero_weight_slice_gets_scale_one() =>
        Assert.AreEqual(1f, QuantParamMath.SymmetricScale(0f));

    [TestMethod]
    [DataRow(0.5f, 1f, (sbyte)1)]
    [DataRow(-0.5f, 1f, (sbyte)-1)]
    [DataRow(1.49f, 1f, (sbyte)1)]
    [DataRow(500f, 1f, (sbyte)127)]
    [DataRow(-500f, 1f, (sbyte)-127)]
    public void Symmetric_values_round_half_away_from_zero_and_clamp_to_127(float value, float scale, sbyte expected) =>
        Assert.AreEqual(expected, QuantParamMath.QuantizeSymmetric(value, scale));

    [TestMethod]
    [DataRow(0f, 0.5f, 10L, (sbyte)10)]
    [DataRow(1.25f, 0.5f, 10L, (sbyte)13)]
    [DataRow(-1000f, 0.5f, 10L, (sbyte)-128)]
    [DataRow(1000f, 0.5f, 10L, (sbyte)127)]
    public void Affine_values_add_the_zero_point_and_clamp_to_int8(float value, float scale, long zeroPoint, sbyte expected) =>
        Assert.AreEqual(expected, QuantParamMath.QuantizeAffine(value, scale, zeroPoint));

    [TestMethod]
    public void Dequantizing_quantized_values_is_off_by_at_most_half_a_step()
    {
        var p = QuantParamMath.Asymmetric(-1f, 3f);
        float[] values = [-1f, -0.3f, 0f, 0.01f, 1.7f, 3f];

        var back = QuantParamMath.DequantizeAffine(QuantParamMath.QuantizeAffine(values, p), p);

        for (int i = 0; i < values.Length; i++)
            Assert.AreEqual(values[i], back[i], p.Scale[0] / 2 + 1e-6f, $"value {values[i]}");
        Assert.AreEqual(0f, back[2], "real 0 is exact");
    }

    [TestMethod]
    [DataRow(1.5f, 0.5f, 3)]
    [DataRow(-0.25f, 0.5f, -1)]
    [DataRow(1e30f, 1e-10f, int.MaxValue)]
    [DataRow(-1e30f, 1e-10f, int.MinValue)]
    public void Biases_round_half_away_from_zero_into_int32(float value, float scale, int expected) =>
        Assert.AreEqual(expected, QuantParamMath.QuantizeBias(value, scale));
}
