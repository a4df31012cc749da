using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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

    /// <summary>
    /// y[i] = table[(x[aIndex] + 128) * 256 + z[bIndex] + 128]: <see cref="Apply(sbyte[], sbyte[], sbyte[], Func{sbyte, sbyte, sbyte})"/>
    /// with the function tabulated over all 65536 operand pairs, for large tensors (no call and no division per element).
    /// </summary>
    public void Apply(sbyte[] x, sbyte[] z, sbyte[] y, sbyte[] table)
    {
        if (table.Length != 1 << 16) throw new ArgumentException("the table needs one value per pair of int8 operands", nameof(table));
        if (Same)
            CoreParallel.ForRanges(y.Length, (start, end) => LookUpSame(x, z, y, table, start, end));
        else if (PeriodA > 0 || PeriodB > 0)
        {
            // Periodic(i): the full operand at i, the repeated one at i % period.
            bool bRepeats = PeriodB > 0;
            int period = bRepeats ? PeriodB : PeriodA;
            CoreParallel.ForRanges(y.Length, (start, end) =>
            {
                for (int i = start, j = start % period; i < end; i++)
                {
                    int a = bRepeats ? x[i] : x[j], b = bRepeats ? z[j] : z[i];
                    y[i] = table[((a + 128) << 8) | (b + 128)];
                    if (++j == period) j = 0;
                }
            });
        }
        else
            ForEach((i, ia, ib) => y[i] = table[((x[ia] + 128) << 8) | (z[ib] + 128)]);
    }

    /// <summary>y[i] = table[(x[i] + 128) · 256 + z[i] + 128] for i in [start, end) (x, z and y of one length; the index is below 65536 by construction).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LookUpSame(sbyte[] x, sbyte[] z, sbyte[] y, sbyte[] table, int start, int end)
    {
        if ((uint)end > (uint)x.Length || (uint)end > (uint)z.Length || (uint)end > (uint)y.Length || start < 0) throw new ArgumentOutOfRangeException(nameof(end));
        ref sbyte rx = ref MemoryMarshal.GetArrayDataReference(x);
        ref sbyte rz = ref MemoryMarshal.GetArrayDataReference(z);
        ref sbyte ry = ref MemoryMarshal.GetArrayDataReference(y);
        ref sbyte rt = ref MemoryMarshal.GetArrayDataReference(table);
        for (int i = start; i < end; i++)
            Unsafe.Add(ref ry, i) = Unsafe.Add(ref rt, ((Unsafe.Add(ref rx, i) + 128) << 8) | (Unsafe.Add(ref rz, i) + 128));
    }

    /// <summary>The 256 × 256 table of <paramref name="compute"/> that <see cref="Apply(sbyte[], sbyte[], sbyte[], sbyte[])"/> reads.</summary>
    public static sbyte[] Table(Func<sbyte, sbyte, sbyte> compute)
    {
        var table = new sbyte[1 << 16];
        for (int a = -128; a < 128; a++)
            for (int b = -128; b < 128; b++)
                table[((a + 128) << 8) | (b + 128)] = compute((sbyte)a, (sbyte)b);
        return table;
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
