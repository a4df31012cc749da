using System.Runtime.Intrinsics;
using ModelBuild.Core.Execution;

namespace ModelBuild.Core.Quantization.Equalization;

/// <summary>
/// The per-channel patch moments of a depthwise convolution (multiplier 1) for one sample, at the layer's sampled
/// positions (<see cref="LayerMoments.Positions"/>): channel c's patch is its
/// [kh, kw] taps, so with NHWC input the same tap of neighbouring channels is contiguous and the products run as
/// vectors across channels. Blocks of <see cref="ChannelBlock"/> channels run in parallel (each channel in one block);
/// within a block the products are summed in float over at most <see cref="GramAccumulator.Chunk"/> positions, then in
/// double, in a fixed order: the moments do not depend on the thread count.
/// </summary>
internal static unsafe class DepthwiseMoments
{
    private const int ChannelBlock = 32;

    public static void Add(ReadOnlySpan<float> sample, LayerMoments m)
    {
        var (channels, kh, kw) = m.DepthwiseShape;
        var sampled = m.Positions;
        int taps = kh * kw, positions = sampled.Length;
        var offsets = new int[positions * taps];
        for (int k = 0; k < positions; k++)
            for (int ky = 0; ky < kh; ky++)
                for (int kx = 0; kx < kw; kx++)
                    offsets[k * taps + ky * kw + kx] = m.TapOffset(sampled[k], ky, kx);

        fixed (float* px = sample)
        {
            float* x = px;
            int blocks = (channels + ChannelBlock - 1) / ChannelBlock;
            CoreParallel.For(0, blocks, b =>
                AddBlock(x, offsets, positions, taps, b * ChannelBlock, Math.Min(ChannelBlock, channels - b * ChannelBlock), m));
        }
    }

    private static void AddBlock(float* x, int[] offsets, int positions, int taps, int c0, int cn, LayerMoments m)
    {
        int pairs = taps * (taps + 1) / 2;
        var sums = new float[taps * ChannelBlock];
        var products = new float[pairs * ChannelBlock];
        for (int start = 0; start < positions; start += GramAccumulator.Chunk)
        {
            Array.Clear(sums);
            Array.Clear(products);
            int end = Math.Min(positions, start + GramAccumulator.Chunk);
            fixed (float* s = sums, pp = products)
                for (int at = start; at < end; at++)
                {
                    int pair = 0;
                    for (int i = 0; i < taps; i++)
                    {
                        int oi = offsets[at * taps + i];
                        if (oi < 0)
                        {
                            pair += taps - i;
                            continue;
                        }

                        float* xi = x + oi + c0;
                        Accumulate(s + i * ChannelBlock, xi, null, cn);
                        for (int j = i; j < taps; j++, pair++)
                        {
                            int oj = offsets[at * taps + j];
                            if (oj >= 0) Accumulate(pp + pair * ChannelBlock, xi, x + oj + c0, cn);
                        }
                    }
                }

            for (int c = 0; c < cn; c++)
            {
                var sum = m.Sum(c0 + c);
                var upper = m.Upper(c0 + c);
                for (int i = 0, pair = 0; i < taps; i++)
                {
                    sum[i] += sums[i * ChannelBlock + c];
                    for (int j = i; j < taps; j++, pair++) upper[i * taps + j] += products[pair * ChannelBlock + c];
                }
            }
        }
    }

    /// <summary>acc[c] += a[c]·b[c] (or a[c] when <paramref name="b"/> is null) for c &lt; <paramref name="n"/>.</summary>
    private static void Accumulate(float* acc, float* a, float* b, int n)
    {
        int c = 0;
        for (; c + 8 <= n; c += 8)
        {
            var va = Vector256.Load(a + c);
            var sum = Vector256.Load(acc + c) + (b is null ? va : va * Vector256.Load(b + c));
            sum.Store(acc + c);
        }

        for (; c < n; c++) acc[c] += b is null ? a[c] : a[c] * b[c];
    }
}
