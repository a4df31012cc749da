using System.Buffers;
using System.Runtime.CompilerServices;

namespace ModelBuild.Core.Keras;

/// <summary>Keras weight layouts to the IR's TFLite layouts, reordered in place: the reader owns the arrays it just read.</summary>
internal static class WeightLayouts
{
    /// <summary>Conv2D kernel HWIO [kh,kw,in,out] → OHWI [out,kh,kw,in]: a transpose of [kh·kw·in, out].</summary>
    public static float[] HwioToOhwiInPlace(float[] k, int kh, int kw, int cin, int cout) => TransposeInPlace(k, kh * kw * cin, cout);

    /// <summary>
    /// Dense kernel [in,out] → [out,in] (any row-major [rows, cols] → [cols, rows]), written back into
    /// <paramref name="k"/> through a pooled scratch copy: one fresh array per kernel (PureHDF's) instead of two, so a
    /// build's new pages for the weights halve (ResNet101: 171 MB fewer).
    /// </summary>
    public static float[] TransposeInPlace(float[] k, int rows, int cols)
    {
        if ((long)rows * cols != k.Length) throw new ArgumentException($"a [{rows}, {cols}] kernel has {(long)rows * cols} values, not {k.Length}.");
        if (rows <= 1 || cols <= 1) return k; // a vector: the same values in the same order
        var scratch = ArrayPool<float>.Shared.Rent(k.Length);
        try
        {
            k.CopyTo(scratch, 0);
            Transpose(scratch, k, rows, cols);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }

        return k;
    }

    /// <remarks>
    /// Runs once per layer, each call over a whole kernel: compiled optimized from the first call (as tier-0 code with
    /// on-stack replacement it took several times as long in a fresh build process).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Transpose(float[] from, float[] to, int rows, int cols)
    {
        // In 32×32 tiles, so both the reads and the writes of a tile stay within a few cache lines (a plain loop
        // touches a new line per value on one side: ~0.5 s for ResNet101's 170 MB of kernels).
        const int Tile = 32;
        ref float src = ref from[0];
        ref float dst = ref to[0];
        for (int i0 = 0; i0 < rows; i0 += Tile)
        {
            int i1 = Math.Min(rows, i0 + Tile);
            for (int o0 = 0; o0 < cols; o0 += Tile)
            {
                int o1 = Math.Min(cols, o0 + Tile);
                for (int i = i0; i < i1; i++)
                {
                    ref float row = ref Unsafe.Add(ref src, (nint)i * cols);
                    for (int o = o0; o < o1; o++)
                        Unsafe.Add(ref dst, (nint)o * rows + i) = Unsafe.Add(ref row, o);
                }
            }
        }
    }

    // A depthwise kernel [kh,kw,C,M] flattened is already [1,kh,kw,C*M] with channel c*M+m: no copy needed.
}
