namespace ModelBuild.Core.Execution.Float;

/// <summary>PAD, CONCATENATION and RESIZE_NEAREST_NEIGHBOR on NHWC float data.</summary>
internal static class LayoutKernels
{
    /// <summary>Pads with <paramref name="value"/>; <paramref name="paddings"/> is [rank, 2] (before, after).</summary>
    public static void Pad(float[] x, int[] shape, int[] paddings, float[] y, int[] outShape, float value = 0f)
    {
        Array.Fill(y, value);
        int rank = shape.Length;
        var outStrides = new int[rank];
        int s = 1;
        for (int d = rank - 1; d >= 0; d--) { outStrides[d] = s; s *= outShape[d]; }

        // Trailing dimensions without padding are contiguous in both tensors: copy them as one run
        // (for NHWC spatial padding, a whole image row per copy rather than one pixel).
        int first = rank;
        while (first > 1 && paddings[(first - 1) * 2] == 0 && paddings[(first - 1) * 2 + 1] == 0) first--;
        int last = first - 1; // the innermost padded dimension (or 0)
        int inner = 1;
        for (int d = last; d < rank; d++) inner *= shape[d];
        int rows = x.Length / inner;
        for (int r = 0; r < rows; r++)
        {
            int rem = r, o = paddings[last * 2] * outStrides[last];
            for (int d = last - 1; d >= 0; d--)
            {
                o += (rem % shape[d] + paddings[d * 2]) * outStrides[d];
                rem /= shape[d];
            }

            Array.Copy(x, r * inner, y, o, inner);
        }
    }

    public static void Concat(IReadOnlyList<(float[] Data, int[] Shape)> inputs, int axis, float[] y)
    {
        var shape0 = inputs[0].Shape;
        if (axis < 0) axis += shape0.Length;
        int outer = 1;
        for (int d = 0; d < axis; d++) outer *= shape0[d];
        int total = inputs.Sum(i => i.Data.Length / outer);
        int offset = 0;
        foreach (var (data, _) in inputs)
        {
            int chunk = data.Length / outer;
            for (int o = 0; o < outer; o++) Array.Copy(data, o * chunk, y, o * total + offset, chunk);
            offset += chunk;
        }
    }

    /// <summary>Nearest-neighbour resize as TFLite 2.9 computes source indices.</summary>
    public static void ResizeNearest(float[] x, int batch, int h, int w, int c, float[] y, int oh, int ow, bool alignCorners, bool halfPixel)
    {
        for (int b = 0; b < batch; b++)
            for (int oy = 0; oy < oh; oy++)
            {
                int iy = SourceIndex(oy, h, oh, alignCorners, halfPixel);
                for (int ox = 0; ox < ow; ox++)
                {
                    int ix = SourceIndex(ox, w, ow, alignCorners, halfPixel);
                    Array.Copy(x, ((b * h + iy) * w + ix) * c, y, ((b * oh + oy) * ow + ox) * c, c);
                }
            }
    }

    internal static int SourceIndex(int o, int inSize, int outSize, bool alignCorners, bool halfPixel)
    {
        float scale = alignCorners && outSize > 1 ? (inSize - 1) / (float)(outSize - 1) : inSize / (float)outSize;
        float offset = halfPixel ? 0.5f : 0f;
        float v = (o + offset) * scale;
        // TfLiteRound is std::round: halves go away from zero, not to even.
        int i = alignCorners ? (int)MathF.Round(v, MidpointRounding.AwayFromZero) : (int)MathF.Floor(v);
        i = Math.Min(i, inSize - 1);
        return halfPixel ? Math.Max(0, i) : i;
    }
}
