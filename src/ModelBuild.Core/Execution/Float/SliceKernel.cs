namespace ModelBuild.Core.Execution.Float;

/// <summary>SLICE: copies the window starting at <c>begin</c> with the output's shape, one innermost row at a time.</summary>
internal static class SliceKernel
{
    public static void Copy<T>(T[] x, int[] xShape, int[] begin, T[] y, int[] yShape)
    {
        int rank = yShape.Length;
        var xStride = new long[rank];
        long stride = 1;
        for (int d = rank - 1; d >= 0; d--)
        {
            xStride[d] = stride;
            stride *= xShape[d];
        }

        int inner = yShape[rank - 1];
        long rows = 1;
        for (int d = 0; d < rank - 1; d++) rows *= yShape[d];
        var index = new int[rank];
        for (long row = 0; row < rows; row++)
        {
            long source = begin[rank - 1];
            for (int d = 0; d < rank - 1; d++) source += (index[d] + begin[d]) * xStride[d];
            Array.Copy(x, source, y, row * inner, inner);
            for (int d = rank - 2; d >= 0 && ++index[d] == yShape[d]; d--) index[d] = 0;
        }
    }
}
