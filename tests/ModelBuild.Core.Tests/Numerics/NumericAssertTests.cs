using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Numerics;

/// <summary>The comparison every numeric assertion uses fails on what Zip(...).Max() let through.</summary>
[TestClass]
public sealed class NumericAssertTests
{
    private static readonly float[] Reference = [0.1f, -2f, 3.5f, 0f];

    [TestMethod]
    [DataRow(float.NaN)]
    [DataRow(float.PositiveInfinity)]
    [DataRow(float.NegativeInfinity)]
    public void A_non_finite_actual_value_fails_whatever_the_tolerance(float bad)
    {
        var actual = (float[])Reference.Clone();
        actual[2] = bad;

        var e = Assert.ThrowsExactly<AssertFailedException>(() => NumericAssert.Close(Reference, actual, double.MaxValue, "t"));
        StringAssert.Contains(e.Message, "actual element 2");
    }

    [TestMethod]
    [DataRow(float.NaN)]
    [DataRow(float.PositiveInfinity)]
    [DataRow(float.NegativeInfinity)]
    public void A_non_finite_expected_value_fails_even_when_actual_is_the_same(float bad)
    {
        float[] both = [1f, bad];

        Assert.ThrowsExactly<AssertFailedException>(() => NumericAssert.Close(both, (float[])both.Clone(), 1, "t"));
    }

    [TestMethod]
    public void An_all_NaN_output_fails_where_Zip_Max_passed_it()
    {
        var nan = Enumerable.Repeat(float.NaN, Reference.Length).ToArray();
        // The pattern this replaces: Max skips NaN... and NaN is never greater than a bound.
        Assert.IsFalse(nan.Zip(Reference, (a, b) => Math.Abs(a - b)).Max() > 1e-4f, "the old check would have passed");

        Assert.ThrowsExactly<AssertFailedException>(() => NumericAssert.Close(Reference, nan, 1e-4, "t"));
        Assert.ThrowsExactly<AssertFailedException>(() => NumericAssert.SameLengthAndFinite(Reference, nan, "t"));
    }

    [TestMethod]
    public void Wrong_lengths_fail_for_floats_and_int8()
    {
        Assert.ThrowsExactly<AssertFailedException>(() => NumericAssert.Close(Reference, Reference[..3], 1, "t"));
        Assert.ThrowsExactly<AssertFailedException>(() => NumericAssert.Close(Reference[..3], Reference, 1, "t"));
        Assert.ThrowsExactly<AssertFailedException>(() => NumericAssert.Close(Reference, [], 1, "t"));
        Assert.ThrowsExactly<AssertFailedException>(() => NumericAssert.Int8Identical([1, 2, 3], [1, 2], "t"));
        Assert.ThrowsExactly<AssertFailedException>(() => NumericAssert.Int8Within([1, 2], [1, 2, 3], 127, "t"));
    }

    [TestMethod]
    public void Tolerance_is_inclusive_and_one_step_more_fails()
    {
        Assert.AreEqual(0.5, NumericAssert.Close([1f], [1.5f], 0.5, "t"), 1e-9);
        Assert.ThrowsExactly<AssertFailedException>(() => NumericAssert.Close([1f], [1.5f], 0.49, "t"));

        Assert.AreEqual(1, NumericAssert.Int8Within([5, -128], [6, -128], 1, "t"));
        var e = Assert.ThrowsExactly<AssertFailedException>(() => NumericAssert.Int8Identical([5, -128, 7], [5, -127, 7], "t"));
        StringAssert.Contains(e.Message, "1 of 3 elements differ, by up to 1 int8 step(s) (allowed 0); first at index 1");
    }

    [TestMethod]
    public void Identical_values_pass_with_tolerance_zero()
    {
        Assert.AreEqual(0, NumericAssert.Close(Reference, (float[])Reference.Clone(), 0, "t"));
        NumericAssert.Int8Identical([-128, 0, 127], [-128, 0, 127], "t");
        Assert.AreEqual((0, 0, -1), NumericAssert.Steps([1, 2], [1, 2], "t"));
    }
}
