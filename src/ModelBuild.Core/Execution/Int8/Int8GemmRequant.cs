using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ModelBuild.Core.Execution.Int8;

/// <summary>
/// <see cref="Int8ChannelRequant.Apply"/> with gemm rounding (<see cref="Int8FixedPoint.MultiplyByQuantizedMultiplierGemm"/>),
/// 8 channels at a time on AVX2, for the VNNI path's raw sums: the same integer steps lane by lane, so the same bytes.
/// </summary>
internal sealed class Int8GemmRequant
{
    private readonly int[] offset, multiplier, leftShift, rightShift, nudge, overflowAbove, overflowValue;
    private readonly Int8ChannelRequant requant;

    /// <param name="correction">Added to each channel's raw sum before the bias (<see cref="Int8PackedGemm.SumCorrection"/>).</param>
    public Int8GemmRequant(Int8ChannelRequant requant, int[] correction)
    {
        this.requant = requant;
        int channels = correction.Length;
        (offset, multiplier, leftShift, rightShift) = (new int[channels], new int[channels], new int[channels], new int[channels]);
        (nudge, overflowAbove, overflowValue) = (new int[channels], new int[channels], new int[channels]);
        for (int o = 0; o < channels; o++)
        {
            offset[o] = unchecked(correction[o] + requant.Bias[o]);
            multiplier[o] = requant.Multiplier[o];
            int shift = requant.Shift[o];
            leftShift[o] = shift > 0 ? shift : 0;
            rightShift[o] = shift > 0 ? 0 : -shift;
            nudge[o] = rightShift[o] == 0 ? 0 : 1 << (rightShift[o] - 1);
            overflowAbove[o] = int.MaxValue - nudge[o];
            overflowValue[o] = rightShift[o] == 0 ? 0 : 1 << (31 - rightShift[o]);
        }
    }

    /// <summary>output[o] = requantized sums[o] + correction[o], for every channel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Apply(ReadOnlySpan<int> sums, Span<sbyte> output)
    {
        int channels = offset.Length, o = 0;
        if (Avx2.IsSupported)
        {
            var zeroPoint = Vector256.Create(requant.OutputZeroPoint);
            var (min, max) = (Vector256.Create(requant.ActMin), Vector256.Create(requant.ActMax));
            var round = Vector256.Create(1L << 30);
            Span<int> lanes = stackalloc int[8];
            for (; o <= channels - 8; o += 8)
            {
                var x = Vector256.Create(sums.Slice(o, 8)) + Vector256.Create(offset.AsSpan(o, 8));
                x = Avx2.ShiftLeftLogicalVariable(x, Vector256.Create(leftShift.AsSpan(o, 8)).AsUInt32());
                var m = Vector256.Create(multiplier.AsSpan(o, 8));
                // 64-bit products of the even lanes, then of the odd ones; (ab + 2^30) >> 31 keeps bits 31-62.
                var even = Avx2.ShiftRightLogical(Avx2.Multiply(x, m) + round, 31).AsInt32();
                var odd = Avx2.ShiftRightLogical(Avx2.Multiply(Avx2.ShiftRightLogical(x.AsInt64(), 32).AsInt32(), Avx2.ShiftRightLogical(m.AsInt64(), 32).AsInt32()) + round, 31).AsInt32();
                var high = Avx2.Blend(even, Avx2.ShiftLeftLogical(odd.AsInt64(), 32).AsInt32(), 0b10101010);
                var n = Vector256.Create(nudge.AsSpan(o, 8));
                var shifted = Avx2.ShiftRightArithmeticVariable(high + n, Vector256.Create(rightShift.AsSpan(o, 8)).AsUInt32());
                var overflow = Vector256.GreaterThan(high, Vector256.Create(overflowAbove.AsSpan(o, 8)));
                var y = Vector256.ConditionalSelect(overflow, Vector256.Create(overflowValue.AsSpan(o, 8)), shifted) + zeroPoint;
                Vector256.Min(Vector256.Max(y, min), max).CopyTo(lanes);
                for (int j = 0; j < 8; j++) output[o + j] = (sbyte)lanes[j];
            }
        }

        for (; o < channels; o++) output[o] = requant.Apply(unchecked(sums[o] + offset[o] - requant.Bias[o]), o, gemm: true);
    }
}

