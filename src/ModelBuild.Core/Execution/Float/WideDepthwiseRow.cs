using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ModelBuild.Core.Execution.Float;

/// <summary>
/// The 512-bit form of <see cref="DepthwiseConv2DKernel"/>'s 3×3 row kernel, for machines whose cores run 512-bit
/// FMAs at full rate (see <see cref="WideMicrokernels"/>) and layers of at least 16 channels: blocks of 16 channels,
/// the nine taps' weights in registers, four output pixels at once with two accumulators each. Each output sums the
/// same products in the same order as the 256-bit kernel (bias + filter rows 0 and 2, plus row 1 from zero), so the
/// results are the same bits.
/// </summary>
internal static unsafe class WideDepthwiseRow
{
    /// <summary>Whether the machine has it (512-bit vectors accelerated); layers also need <c>c ≥ 16</c>.</summary>
    public static readonly bool Supported = Vector512.IsHardwareAccelerated;

    /// <summary>
    /// <paramref name="count"/> output pixels of one row, all 3 input columns inside the image: input rows
    /// <paramref name="r0"/>, <paramref name="r1"/>, <paramref name="r2"/> at the first pixel's first tap, advancing
    /// <paramref name="s0"/>, <paramref name="s1"/>, <paramref name="s2"/> floats per output pixel (0 for a zero row);
    /// weights [9][c], output pixels <paramref name="c"/> floats apart.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Row3x3(float* r0, float* r1, float* r2, long s0, long s1, long s2, int stride, int c, int count, float* wBase, float* biasBase, float* dst, float lo, float hi)
    {
        var vlo = Vector512.Create(lo);
        var vhi = Vector512.Create(hi);
        for (int ch = 0; ch < c; ch += 16)
        {
            // A ragged last block is shifted back to end at the last channel (its overlap is computed twice, identically).
            int cb = Math.Min(ch, c - 16);
            float* k = wBase + cb;
            var w00 = Vector512.Load(k);
            var w01 = Vector512.Load(k + c);
            var w02 = Vector512.Load(k + 2 * c);
            var w10 = Vector512.Load(k + 3 * c);
            var w11 = Vector512.Load(k + 4 * c);
            var w12 = Vector512.Load(k + 5 * c);
            var w20 = Vector512.Load(k + 6 * c);
            var w21 = Vector512.Load(k + 7 * c);
            var w22 = Vector512.Load(k + 8 * c);
            var bias = Vector512.Load(biasBase + cb);
            float* p0 = r0 + cb, p1 = r1 + cb, p2 = r2 + cb, d = dst + cb;
            int x = 0;
            // Columns of a row step c floats apart (0 for a zero row, which reads its first pixel throughout).
            long c0 = s0 == 0 ? 0 : c, c1 = s1 == 0 ? 0 : c, c2 = s2 == 0 ? 0 : c;
            if (stride == 1)
            {
                for (; x + 4 <= count; x += 4, p0 += 4 * s0, p1 += 4 * s1, p2 += 4 * s2, d += 4L * c)
                {
                    var a0 = bias; var a1 = bias; var a2 = bias; var a3 = bias;
                    var b0 = Vector512<float>.Zero; var b1 = b0; var b2 = b0; var b3 = b0;
                    Slide1(p0, c0, w00, w01, w02, ref a0, ref a1, ref a2, ref a3);
                    Slide1(p1, c1, w10, w11, w12, ref b0, ref b1, ref b2, ref b3);
                    Slide1(p2, c2, w20, w21, w22, ref a0, ref a1, ref a2, ref a3);
                    Activations.Clamp(a0 + b0, vlo, vhi).Store(d);
                    Activations.Clamp(a1 + b1, vlo, vhi).Store(d + c);
                    Activations.Clamp(a2 + b2, vlo, vhi).Store(d + 2 * c);
                    Activations.Clamp(a3 + b3, vlo, vhi).Store(d + 3 * c);
                }
            }

            for (; x + 4 <= count; x += 4, p0 += 4 * s0, p1 += 4 * s1, p2 += 4 * s2, d += 4L * c)
            {
                var a0 = bias; var a1 = bias; var a2 = bias; var a3 = bias;
                var b0 = Vector512<float>.Zero; var b1 = b0; var b2 = b0; var b3 = b0;
                a0 = Tap3(p0, c, w00, w01, w02, a0); b0 = Tap3(p1, c, w10, w11, w12, b0); a0 = Tap3(p2, c, w20, w21, w22, a0);
                a1 = Tap3(p0 + s0, c, w00, w01, w02, a1); b1 = Tap3(p1 + s1, c, w10, w11, w12, b1); a1 = Tap3(p2 + s2, c, w20, w21, w22, a1);
                a2 = Tap3(p0 + 2 * s0, c, w00, w01, w02, a2); b2 = Tap3(p1 + 2 * s1, c, w10, w11, w12, b2); a2 = Tap3(p2 + 2 * s2, c, w20, w21, w22, a2);
                a3 = Tap3(p0 + 3 * s0, c, w00, w01, w02, a3); b3 = Tap3(p1 + 3 * s1, c, w10, w11, w12, b3); a3 = Tap3(p2 + 3 * s2, c, w20, w21, w22, a3);
                Activations.Clamp(a0 + b0, vlo, vhi).Store(d);
                Activations.Clamp(a1 + b1, vlo, vhi).Store(d + c);
                Activations.Clamp(a2 + b2, vlo, vhi).Store(d + 2 * c);
                Activations.Clamp(a3 + b3, vlo, vhi).Store(d + 3 * c);
            }

            for (; x < count; x++, p0 += s0, p1 += s1, p2 += s2, d += c)
            {
                var a = Tap3(p0, c, w00, w01, w02, bias);
                var bb = Tap3(p1, c, w10, w11, w12, Vector512<float>.Zero);
                a = Tap3(p2, c, w20, w21, w22, a);
                Activations.Clamp(a + bb, vlo, vhi).Store(d);
            }
        }
    }

    /// <summary>
    /// One filter row's taps for four stride-1 output pixels from the six input columns they span, each column loaded
    /// once (column j feeds pixel j − kx with tap kx); every accumulator still receives its taps in the order kx = 0, 1, 2.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Slide1(float* p, long cs, Vector512<float> k0, Vector512<float> k1, Vector512<float> k2, ref Vector512<float> a0, ref Vector512<float> a1, ref Vector512<float> a2, ref Vector512<float> a3)
    {
        var x = Vector512.Load(p);
        a0 = Vector512.FusedMultiplyAdd(x, k0, a0);
        x = Vector512.Load(p + cs);
        a0 = Vector512.FusedMultiplyAdd(x, k1, a0);
        a1 = Vector512.FusedMultiplyAdd(x, k0, a1);
        x = Vector512.Load(p + 2 * cs);
        a0 = Vector512.FusedMultiplyAdd(x, k2, a0);
        a1 = Vector512.FusedMultiplyAdd(x, k1, a1);
        a2 = Vector512.FusedMultiplyAdd(x, k0, a2);
        x = Vector512.Load(p + 3 * cs);
        a1 = Vector512.FusedMultiplyAdd(x, k2, a1);
        a2 = Vector512.FusedMultiplyAdd(x, k1, a2);
        a3 = Vector512.FusedMultiplyAdd(x, k0, a3);
        x = Vector512.Load(p + 4 * cs);
        a2 = Vector512.FusedMultiplyAdd(x, k2, a2);
        a3 = Vector512.FusedMultiplyAdd(x, k1, a3);
        x = Vector512.Load(p + 5 * cs);
        a3 = Vector512.FusedMultiplyAdd(x, k2, a3);
    }

    /// <summary>acc + the three taps of one filter row: input pixels p, p + c, p + 2c (a zero row reads p three times).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Tap3(float* p, int c, Vector512<float> k0, Vector512<float> k1, Vector512<float> k2, Vector512<float> acc)
    {
        acc = Vector512.FusedMultiplyAdd(Vector512.Load(p), k0, acc);
        acc = Vector512.FusedMultiplyAdd(Vector512.Load(p + c), k1, acc);
        return Vector512.FusedMultiplyAdd(Vector512.Load(p + 2 * c), k2, acc);
    }
}
