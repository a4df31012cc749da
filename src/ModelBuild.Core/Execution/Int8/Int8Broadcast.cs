namespace ModelBuild.Core.Execution.Int8;

/// <summary>NumPy-style broadcasting of two operands to an output shape (right-aligned dims, size-1 dims repeat).</summary>
internal sealed class Int8Broadcast
{
    private readonly int[] outShape;
    private readonly int[] strideA, strideB;
    public readonly bool Same;

    /// <summary>When b is a trailing block repeated over the output (e.g. [C] against [1,H,W,C]) and a is full-size: b's length.</summary>
    public readonly int PeriodB;

    /// <summary>The same with the roles of a and b swapped.</summary>
    public readonly int PeriodA;

    public Int8Broadcast(int[] a, int[] b, int[] output)
    {
        outShape = output;
        strideA = Strides(a, output.Length);
        strideB = Strides(b, output.Length);
        Same = a.SequenceEqual(output) && b.SequenceEqual(output);
        PeriodB = Covers(a, output) ? TrailingPeriod(b, output) : 0;
        PeriodA = Covers(b, output) ? TrailingPeriod(a, output) : 0;
    }

    private static bool Covers(int[] s, int[] output) => s.Aggregate(1, (p, d) => p * d) == output.Aggregate(1, (p, d) => p * d);

    /// <summary>Length of s when s (right-aligned) is 1s followed by exactly the output's trailing dims; else 0.</summary>
    private static int TrailingPeriod(int[] s, int[] output)
    {
        int k = s.Length;
        while (k > 0 && s[k - 1] == output[output.Length - (s.Length - k) - 1]) k--;
        for (int i = 0; i < k; i++) if (s[i] != 1) return 0;
        return s.Aggregate(1, (p, d) => p * d);
    }

    /// <summary>Index of a and b for output index i in the two periodic cases (callers check <see cref="PeriodA"/>/<see cref="PeriodB"/>).</summary>
    public (int A, int B) Periodic(int i) => PeriodB > 0 ? (i, i % PeriodB) : (i % PeriodA, i);

    public int Count => outShape.Aggregate(1, (x, y) => x * y);

    /// <summary>
    /// y[i] = compute(x[aIndex], z[bIndex]) for every output element: the same-shape and periodic cases in parallel
    /// chunks, the general broadcast in order.
    /// </summary>
    public void Apply(sbyte[] x, sbyte[] z, sbyte[] y, Func<sbyte, sbyte, sbyte> compute)
    {
        if (Same || PeriodA > 0 || PeriodB > 0)
            CoreParallel.ForRanges(y.Length, (start, end) =>
            {
                for (int i = start; i < end; i++)
                {
                    var (ia, ib) = Same ? (i, i) : Periodic(i);
                    y[i] = compute(x[ia], z[ib]);
                }
            });
        else
            ForEach((i, ia, ib) => y[i] = compute(x[ia], z[ib]));
    }

    /// <summary>Calls <paramref name="body"/>(outIndex, aIndex, bIndex) for every output element in order.</summary>
    public void ForEach(Action<int, int, int> body)
    {
        int count = Count;
        if (Same)
        {
            for (int i = 0; i < count; i++) body(i, i, i);
            return;
        }

        int rank = outShape.Length;
        var idx = new int[rank];
        int ia = 0, ib = 0;
        for (int i = 0; i < count; i++)
        {
            body(i, ia, ib);
            for (int d = rank - 1; d >= 0; d--)
            {
                idx[d]++;
                ia += strideA[d];
                ib += strideB[d];
                if (idx[d] < outShape[d]) break;
                ia -= strideA[d] * outShape[d];
                ib -= strideB[d] * outShape[d];
                idx[d] = 0;
            }
        }
    }

    private static int[] Strides(int[] shape, int rank)
    {
        var s = new int[rank];
        int stride = 1;
        for (int d = rank - 1; d >= 0; d--)
        {
            int k = d - (rank - shape.Length);
            int dim = k >= 0 ? shape[k] : 1;
            s[d] = dim == 1 ? 0 : stride;
            stride *= dim;
        }

        return s;
    }
}
