using System.Globalization;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace ModelBuild.TestSupport;

/// <summary>
/// The one way tests compare numeric outputs. Unlike <c>a.Zip(b, |x − y|).Max()</c> (Zip truncates to the shorter
/// input; Max skips NaN, and NaN compares as "not greater" than any bound), these fail on a length mismatch and on any
/// NaN or ±∞ in either side, so a wrong-length or non-finite output can never pass as close.
/// </summary>
public static class NumericAssert
{
    /// <summary>Largest |expected − actual|, after checking equal lengths and finite values.</summary>
    public static double MaxAbsDifference(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        SameLength(expected.Length, actual.Length, what);
        double max = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            Finite(expected[i], i, "expected", what);
            Finite(actual[i], i, "actual", what);
            max = Math.Max(max, Math.Abs((double)expected[i] - actual[i]));
        }

        return max;
    }

    /// <summary>Fails unless every |expected − actual| ≤ <paramref name="tolerance"/>; returns the largest difference.</summary>
    public static double Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance, string what)
    {
        double max = MaxAbsDifference(expected, actual, what);
        if (!(max <= tolerance))
            Assert.Fail(string.Create(CultureInfo.InvariantCulture, $"{what}: max abs difference {max:G4} exceeds {tolerance:G4}"));
        return max;
    }

    /// <summary>Fails unless both have the same length and every value is finite (for per-element tolerances of one's own).</summary>
    public static void SameLengthAndFinite(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what) =>
        MaxAbsDifference(expected, actual, what);

    /// <summary>Largest difference in int8 steps and how many elements differ, after checking equal lengths.</summary>
    public static (int MaxSteps, int Differing, int FirstDifference) Steps(ReadOnlySpan<sbyte> expected, ReadOnlySpan<sbyte> actual, string what)
    {
        SameLength(expected.Length, actual.Length, what);
        int max = 0, differing = 0, first = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            int d = Math.Abs(expected[i] - actual[i]);
            if (d == 0) continue;
            differing++;
            if (first < 0) first = i;
            max = Math.Max(max, d);
        }

        return (max, differing, first);
    }

    /// <summary>Fails unless the int8 outputs are bit-identical (same length, every element equal).</summary>
    public static void Int8Identical(ReadOnlySpan<sbyte> expected, ReadOnlySpan<sbyte> actual, string what) => Int8Within(expected, actual, 0, what);

    /// <summary>Fails unless every element is within <paramref name="steps"/> int8 steps; returns the largest difference.</summary>
    public static int Int8Within(ReadOnlySpan<sbyte> expected, ReadOnlySpan<sbyte> actual, int steps, string what)
    {
        var (max, differing, first) = Steps(expected, actual, what);
        if (max > steps)
            Assert.Fail(string.Create(CultureInfo.InvariantCulture,
                $"{what}: {differing} of {expected.Length} elements differ, by up to {max} int8 step(s) (allowed {steps}); first at index {first}: expected {expected[first]}, actual {actual[first]}"));
        return max;
    }

    private static void SameLength(int expected, int actual, string what)
    {
        if (expected != actual) Assert.Fail(string.Create(CultureInfo.InvariantCulture, $"{what}: {actual} values, expected {expected}"));
    }

    private static void Finite(float v, int index, string side, string what)
    {
        if (!float.IsFinite(v)) Assert.Fail(string.Create(CultureInfo.InvariantCulture, $"{what}: {side} element {index} is {v}; non-finite values never compare as close"));
    }
}
