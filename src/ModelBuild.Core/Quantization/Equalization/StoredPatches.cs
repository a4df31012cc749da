namespace ModelBuild.Core.Quantization.Equalization;

/// <summary>
/// A regular subset of the patches a layer sees, at most <see cref="Cap"/> of them, in the order they came: every
/// patch until the cap is passed, then every second one kept and every second one of those to come, and so on (the
/// stride doubles each time). The subset depends only on the order of the patches, not on timing or threads. The
/// patches lie one after another in one buffer (grown by doubling), so keeping them allocates little.
/// </summary>
internal sealed class StoredPatches(int row, int cap)
{
    private float[] buffer = [];
    private long seen;
    private long stride = 1;

    public int Row { get; } = row;

    public int Cap { get; } = cap;

    public int Count { get; private set; }

    public ReadOnlySpan<float> this[int index] => buffer.AsSpan(index * Row, Row);

    public void Add(ReadOnlySpan<float> patch)
    {
        if (seen++ % stride != 0) return;
        if ((Count + 1) * Row > buffer.Length) Array.Resize(ref buffer, Math.Max(Row, Math.Min(2 * buffer.Length, (Cap + 1) * Row)));
        patch.CopyTo(buffer.AsSpan(Count++ * Row, Row));
        if (Count <= Cap) return;
        int half = 0;
        for (int i = 0; i < Count; i += 2) buffer.AsSpan(i * Row, Row).CopyTo(buffer.AsSpan(half++ * Row, Row));
        Count = half;
        stride *= 2;
    }
}
