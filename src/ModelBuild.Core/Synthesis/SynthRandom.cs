namespace ModelBuild.Core.Synthesis;

/// <summary>
/// A seeded SplitMix64 generator. Unlike System.Random its sequence is fixed by this code, and it uses integer and
/// IEEE arithmetic only, so a seed gives the same weights on every runtime and machine. One stream per layer,
/// derived from the seed and the layer name, so a layer's weights do not depend on the layers around it.
/// </summary>
internal sealed class SynthRandom(ulong state)
{
    private ulong _state = state;

    public static SynthRandom ForLayer(int seed, string layerName)
    {
        // FNV-1a over the UTF-16 code units of the name, mixed with the seed.
        ulong h = 14695981039346656037UL;
        foreach (var ch in layerName)
        {
            h ^= ch;
            h *= 1099511628211UL;
        }

        return new SynthRandom(h ^ ((ulong)(uint)seed * 0x9E3779B97F4A7C15UL));
    }

    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1), 24 random bits: exact in a float.</summary>
    public float NextFloat() => (NextUInt64() >> 40) * (1f / (1 << 24));

    public float Uniform(float low, float high) => low + (high - low) * NextFloat();

    /// <summary>Fills <paramref name="values"/> uniformly in [-limit, limit).</summary>
    public void FillUniform(float[] values, float limit)
    {
        for (int i = 0; i < values.Length; i++) values[i] = Uniform(-limit, limit);
    }
}
