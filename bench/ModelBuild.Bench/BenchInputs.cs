namespace ModelBuild.Bench;

internal static class BenchInputs
{
    /// <summary>Seeded uniform [0, 1) floats.</summary>
    public static float[] Uniform(long count, int seed)
    {
        var r = new Random(seed);
        var x = new float[count];
        for (int i = 0; i < x.Length; i++) x[i] = (float)r.NextDouble();
        return x;
    }
}
