namespace ModelBuild.Core.Tests.Keras;

/// <summary>Compares a float output with its reference: same length, no NaN or infinity, max abs error within a bound.</summary>
internal static class FloatOutputAssert
{
    public static void Close(float[] expected, float[] actual, double tolerance, string what)
    {
        Assert.HasCount(expected.Length, actual, $"{what}: output length");
        for (int i = 0; i < actual.Length; i++)
        {
            Assert.IsTrue(float.IsFinite(actual[i]), $"{what}: output[{i}] is {actual[i]}");
            var error = Math.Abs((double)actual[i] - expected[i]);
            // Written so that a NaN error fails too.
            Assert.IsTrue(error <= tolerance, $"{what}: output[{i}] = {actual[i]:G9}, expected {expected[i]:G9} (error {error:G3} > {tolerance:G3})");
        }
    }
}
