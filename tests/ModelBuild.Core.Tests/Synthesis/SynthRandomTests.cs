using ModelBuild.Core.Synthesis;

namespace ModelBuild.Core.Tests.Synthesis;

/// <summary>The synthesizer's generator is SplitMix64, so a seed gives the same weights on every runtime.</summary>
[TestClass]
public sealed class SynthRandomTests
{
    [TestMethod]
    public void State_zero_gives_the_published_SplitMix64_sequence()
    {
        var random = new SynthRandom(0);

        CollectionAssert.AreEqual(new[] { 0xE220A8397B1DCDAFUL, 0x6E789E6AA1B965F4UL, 0x06C45D188009454FUL },
            new[] { random.NextUInt64(), random.NextUInt64(), random.NextUInt64() });
    }

    [TestMethod]
    public void A_float_is_the_top_24_bits_over_two_to_the_24()
    {
        var bits = new SynthRandom(0).NextUInt64() >> 40;

        Assert.AreEqual(bits / 16777216f, new SynthRandom(0).NextFloat());
    }

    [TestMethod]
    public void Uniform_values_stay_in_their_half_open_range()
    {
        var values = new float[10000];
        SynthRandom.ForLayer(1, "conv1").FillUniform(values, 0.5f);

        Assert.IsTrue(values.All(v => v >= -0.5f && v < 0.5f));
        Assert.IsLessThan(0.01, Math.Abs(values.Average()), "centred on zero");
    }

    [TestMethod]
    public void A_layers_stream_depends_only_on_the_seed_and_its_name()
    {
        Assert.AreEqual(SynthRandom.ForLayer(3, "conv1").NextUInt64(), SynthRandom.ForLayer(3, "conv1").NextUInt64());
        Assert.AreNotEqual(SynthRandom.ForLayer(3, "conv1").NextUInt64(), SynthRandom.ForLayer(3, "conv2").NextUInt64());
        Assert.AreNotEqual(SynthRandom.ForLayer(3, "conv1").NextUInt64(), SynthRandom.ForLayer(4, "conv1").NextUInt64());
    }
}
