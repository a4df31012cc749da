using ModelBuild.Core.Execution.Int8;
using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Tests.Execution.Int8;

/// <summary>The VNNI path's requantization, 8 channels at a time, against the scalar one over the whole int32 range and every kind of shift.</summary>
[TestClass]
public sealed class Int8GemmRequantTests
{
    [TestMethod]
    [DataRow(1e-4f, FusedActivation.None)]
    [DataRow(0.02f, FusedActivation.Relu)]
    [DataRow(3f, FusedActivation.Relu6)]
    public void Vector_requantization_gives_the_scalar_bytes(float outputScale, FusedActivation activation)
    {
        var r = new Random(17);
        const int channels = 29; // three vectors of 8 and a scalar tail
        var input = new Tensor("x", [1, 1, 1, 4]) { Quant = new QuantParams([0.05f], [3]) };
        // Weight scales over ten decades: left shifts, no shift and right shifts up to 31.
        var scales = Enumerable.Range(0, channels).Select(i => (float)Math.Pow(10, -7 + 10.0 * i / channels)).ToArray();
        var weights = new Tensor("w", [channels, 1, 1, 4], DataType.Int8, new sbyte[channels * 4]) { Quant = new QuantParams(scales, new long[channels]) };
        var bias = new Tensor("b", [channels], DataType.Int32, Enumerable.Range(0, channels).Select(_ => r.Next(int.MinValue, int.MaxValue)).ToArray());
        var output = new Tensor("y", [1, 1, 1, channels]) { Quant = new QuantParams([outputScale], [-5]) };
        var requant = new Int8ChannelRequant(input, weights, bias, output, channels, activation);
        var correction = Enumerable.Range(0, channels).Select(_ => r.Next(int.MinValue, int.MaxValue)).ToArray();
        var vector = new Int8GemmRequant(requant, correction);
        int[] edges = [int.MinValue, int.MaxValue, 0, -1, 1, 1 << 30, -(1 << 30)];
        var sums = new int[channels];
        var got = new sbyte[channels];
        for (int round = 0; round < 2000; round++)
        {
            for (int o = 0; o < channels; o++)
                sums[o] = round < edges.Length ? unchecked(edges[round] - correction[o] - requant.Bias[o]) : r.Next(int.MinValue, int.MaxValue) >> r.Next(0, 31);
            vector.Apply(sums, got);
            for (int o = 0; o < channels; o++)
                Assert.AreEqual(requant.Apply(unchecked(sums[o] + correction[o]), o, gemm: true), got[o], $"channel {o}, sum {sums[o]}");
        }
    }
}
