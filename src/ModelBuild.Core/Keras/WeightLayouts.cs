namespace ModelBuild.Core.Keras;

/// <summary>Keras weight layouts to the IR's TFLite layouts.</summary>
internal static class WeightLayouts
{
    /// <summary>Conv2D kernel HWIO [kh,kw,in,out] → OHWI [out,kh,kw,in].</summary>
    public static float[] HwioToOhwi(float[] k, int kh, int kw, int cin, int cout)
    {
        var r = new float[k.Length];
        for (int y = 0; y < kh; y++)
            for (int x = 0; x < kw; x++)
                for (int i = 0; i < cin; i++)
                    for (int o = 0; o < cout; o++)
                        r[((o * kh + y) * kw + x) * cin + i] = k[((y * kw + x) * cin + i) * cout + o];
        return r;
    }

    /// <summary>Dense kernel [in,out] → [out,in].</summary>
    public static float[] Transpose(float[] k, int rows, int cols)
    {
        var r = new float[k.Length];
        for (int i = 0; i < rows; i++)
            for (int o = 0; o < cols; o++)
                r[o * rows + i] = k[i * cols + o];
        return r;
    }

    // A depthwise kernel [kh,kw,C,M] flattened is already [1,kh,kw,C*M] with channel c*M+m: no copy needed.
}
