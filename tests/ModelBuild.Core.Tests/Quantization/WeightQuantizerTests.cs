using ModelBuild.Core.Graph;
using ModelBuild.Core.Quantization;

namespace ModelBuild.Core.Tests.Quantization;

/// <summary>Weight quantization of large tensors (the vectorized, multi-core path) against a per-value reference.</summary>
[TestClass]
public sealed class WeightQuantizerTests
{
    [TestMethod]
    public void Halves_round_away_from_zero_and_extremes_clamp_to_127()
    {
        // max |w| = 127 gives scale 1: every .5 below is an exact tie after the division.
        float[] ties = [127f, -127f, 0.5f, -0.5f, 1.5f, -1.5f, 2.5f, -2.5f, 126.5f, -126.5f, 0.49999997f, -0.49999997f, 3.4999998f, 0f, -0f, 64.5f];
        var data = Enumerable.Range(0, 64).SelectMany(_ => ties).ToArray();
        var q = WeightQuantizer.Weights(new Tensor("w", [data.Length], DataType.Float32, data), null);
        Assert.AreEqual(1f, q.Quant!.Scale[0]);
        sbyte[] expected = [127, -127, 1, -1, 2, -2, 3, -3, 127, -127, 0, 0, 3, 0, 0, 65];
        CollectionAssert.AreEqual(Enumerable.Range(0, 64).SelectMany(_ => expected).ToArray(), q.Int8Data);
    }

    [TestMethod]
    [DataRow(new[] { 256, 3, 3, 128 }, 0, DisplayName = "CONV_2D OHWI, per output channel (dim 0)")]
    [DataRow(new[] { 1, 3, 3, 960 }, 3, DisplayName = "DEPTHWISE_CONV_2D 1HWC, per channel (dim 3)")]
    [DataRow(new[] { 1000, 2048 }, -1, DisplayName = "FULLY_CONNECTED, per tensor")]
    [DataRow(new[] { 512, 1, 1, 1024 }, -1, DisplayName = "CONV_2D, per tensor")]
    public void Large_weights_match_value_by_value_quantization(int[] shape, int dim)
    {
        var r = new Random(shape.Sum());
        var data = new float[shape.Aggregate(1, (a, b) => a * b)];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(r.NextDouble() * 2 - 1) * (1 + i % 7);
        // An all-zero channel (scale 1) and exact .5 ties after scaling must come out as the reference says.
        int channels = dim < 0 ? 1 : shape[dim], inner = dim < 0 ? data.Length : shape.Skip(dim + 1).Aggregate(1, (a, b) => a * b);
        for (int i = 0; i < data.Length; i++)
            if (dim >= 0 && i / inner % channels == 1) data[i] = 0;
        var w = new Tensor("w", shape, DataType.Float32, data);

        var q = WeightQuantizer.Weights(w, dim < 0 ? null : dim);

        var maxAbs = new float[channels];
        for (int i = 0; i < data.Length; i++)
        {
            int c = dim < 0 ? 0 : i / inner % channels;
            maxAbs[c] = Math.Max(maxAbs[c], Math.Abs(data[i]));
        }

        var scales = maxAbs.Select(m => m > 0 ? m / 127f : 1f).ToArray();
        CollectionAssert.AreEqual(scales, q.Quant!.Scale);
        Assert.AreEqual(dim < 0 ? 0 : dim, q.Quant.QuantizedDimension);
        var values = q.Int8Data;
        for (int i = 0; i < data.Length; i++)
        {
            float s = scales[dim < 0 ? 0 : i / inner % channels];
            var expected = (sbyte)Math.Clamp((int)MathF.Round(data[i] / s, MidpointRounding.AwayFromZero), -127, 127);
            if (values[i] != expected) Assert.Fail($"value {i}: {data[i]} / {s} quantized to {values[i]}, expected {expected}");
        }
    }
}
