namespace ModelBuild.Core.Keras;

/// <summary>Keras weight layouts to the IR's TFLite layouts.</summary>
internal static class WeightLayouts
{
    /// <summary>Conv2D kernel HWIO [kh,kw,in,out] → OHWI [out,kh,kw,in]: a transpose of [kh·kw·in, out].</summary>
    public static float[] HwioToOhwi(float[] k, int kh, int kw, int cin, int cout) => Transpose(k, kh * kw * cin, cout);

    /// <summary>Dense kernel [in,out] → [out,in] (any row-major [rows, cols] → [cols, rows]).</summary>
    public static float[] Transpose(float[] k, int rows, int cols)
    {
        // In 32×32 tiles, so both the reads and the writes of a tile stay within a few cache lines (a plain loop
        // touches a new line per value on one side: ~0.5 s for ResNet101's 170 MB of kernels).
        const int Tile = 32;
        var r = new float[k.Length];
        for (int i0 = 0; i0 < rows; i0 += Tile)
        {
            int i1 = Math.Min(rows, i0 + Tile);
            for (int o0 = 0; o0 < cols; o0 += Tile)
            {
                int o1 = Math.Min(cols, o0 + Tile);
                for (int i = i0; i < i1; i++)
                    for (int o = o0; o < o1; o++)
                        r[(long)o * rows + i] = k[(long)i * cols + o];
            }
        }

        return r;
    }

    // A depthwise kernel [kh,kw,C,M] flattened is already [1,kh,kw,C*M] with channel c*M+m: no copy needed.
}
