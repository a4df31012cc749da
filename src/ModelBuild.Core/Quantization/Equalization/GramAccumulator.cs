using System.Buffers;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Execution.Float;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace ModelBuild.Core.Quantization.Equalization;

/// <summary>
/// Σ x and Σ x·xᵀ over many vectors x of one length (<see cref="Row"/>), as a blocked matrix product: the vectors are
/// taken <see cref="Chunk"/> at a time as the rows of X, XᵀX is one <see cref="PackedGemm"/> product in float (the
/// upper triangle only: each 16-column panel runs the rows up to its last column), and each chunk's float sums are
/// added to double totals. Every entry is computed by exactly one panel in a fixed order, so the totals do not depend
/// on the thread count; the float sums run over at most <see cref="Chunk"/> products.
/// </summary>
internal sealed unsafe class GramAccumulator
{
    /// <summary>Vectors per chunk: one depth block of the product, so a packed panel (16 KiB) stays in L1.</summary>
    public const int Chunk = PackedGemm.DepthBlock;

    private readonly int panels, rowsPadded;

    /// <summary>The product's bias: none (zeros for whole panels).</summary>
    private readonly float[] zeros;

    public GramAccumulator(int row)
    {
        Row = row;
        panels = (row + PackedGemm.PanelWidth - 1) / PackedGemm.PanelWidth;
        rowsPadded = PackedGemm.RowsPadded(row);
        zeros = new float[panels * PackedGemm.PanelWidth];
    }

    /// <summary>The vector length.</summary>
    public int Row { get; }

    /// <summary>
    /// Adds the <paramref name="count"/> vectors of <paramref name="vectors"/> (count × <see cref="Row"/>, one vector
    /// per row) to <paramref name="sum"/> (Row) and the upper triangle of <paramref name="upper"/> (Row × Row,
    /// row-major; entries below the diagonal are left alone).
    /// </summary>
    public void Add(ReadOnlySpan<float> vectors, int count, double[] sum, double[] upper)
    {
        var x = ArrayPool<float>.Shared.Rent(Chunk * Row);
        try
        {
            for (int start = 0; start < count; start += Chunk)
            {
                int n = Math.Min(Chunk, count - start);
                vectors.Slice(start * Row, n * Row).CopyTo(x);
                AddChunk(x, n, sum, upper);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(x);
        }
    }

    /// <summary>
    /// Adds <paramref name="n"/> ≤ <see cref="Chunk"/> vectors laid out in <paramref name="x"/> (n × <see cref="Row"/>),
    /// as <see cref="Add"/> does; callers that build vectors in place (convolution patches) fill a
    /// <see cref="Chunk"/> × Row buffer and call this.
    /// </summary>
    public void AddChunk(float[] x, int n, double[] sum, double[] upper)
    {
        if (n <= 0) return;
        if (n > Chunk) throw new ArgumentOutOfRangeException(nameof(n), n, $"At most {Chunk} vectors per chunk.");
        int row = Row;
        var pool = ArrayPool<float>.Shared;
        // A = Xᵀ (rowsPadded × Chunk, lda Chunk), B = X packed in panels [panel][Chunk][16], C = XᵀX (row × row).
        var a = pool.Rent(rowsPadded * Chunk);
        var packed = pool.Rent(panels * Chunk * PackedGemm.PanelWidth);
        var c = pool.Rent(row * row);
        try
        {
            Pack(x, n, a, packed);
            for (int i = 0; i < row; i++) sum[i] += TensorPrimitives.Sum(a.AsSpan(i * Chunk, n));
            fixed (float* pa = a, pb = packed, pc = c, pz = zeros)
            {
                float* aa = pa, bb = pb, cc = pc, zz = pz;
                void Panel(int p)
                {
                    int rows = Math.Min(row, (p + 1) * PackedGemm.PanelWidth);
                    PackedGemm.RunPacked(bb, zz, row, Chunk, aa, Chunk, rows, 0, n, cc, p, p + 1, float.NegativeInfinity, float.PositiveInfinity);
                }

                // Small products run on this thread: a parallel loop per chunk would cost more than it saves.
                if ((long)row * row * n < 1 << 20)
                    for (int p = 0; p < panels; p++) Panel(p);
                else
                    CoreParallel.For(0, panels, Panel);
            }

            for (int i = 0; i < row; i++)
                for (int j = i; j < row; j++)
                    upper[i * row + j] += c[i * row + j];
        }
        finally
        {
            pool.Return(a);
            pool.Return(packed);
            pool.Return(c);
        }
    }

    /// <summary>Xᵀ into <paramref name="a"/> (zero past the last row) and X into 16-column panels (zero past the last column).</summary>
    private void Pack(float[] x, int n, float[] a, float[] packed)
    {
        int row = Row, width = PackedGemm.PanelWidth;
        Array.Clear(a, row * Chunk, (rowsPadded - row) * Chunk);
        for (int k = 0; k < n; k++)
        {
            var v = x.AsSpan(k * row, row);
            for (int i = 0; i < row; i++) a[i * Chunk + k] = v[i];
            for (int p = 0; p < panels; p++)
            {
                int col = p * width, lanes = Math.Min(width, row - col);
                var dst = packed.AsSpan((p * Chunk + k) * width, width);
                v.Slice(col, lanes).CopyTo(dst);
                dst[lanes..].Clear();
            }
        }
    }
}
