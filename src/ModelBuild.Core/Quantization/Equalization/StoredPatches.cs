namespace ModelBuild.Core.Quantization.Equalization;

/// <summary>
/// A regular subset of the patches a layer sees, at most <see cref="Cap"/> of them, in the order they came: every
/// patch until the cap is passed, then every second one kept and every second one of those to come, and so on (the
/// stride doubles each time). The subset depends only on the order of the patches, not on timing or threads.
/// </summary>
internal sealed class StoredPatches(int row, int cap)
{
    private readonly List<float[]> kept = [];
    private long seen;
    private long stride = 1;

    public int Row { get; } = row;

    public int Cap { get; } = cap;

    public int Count => kept.Count;

    public float[] this[int index] => kept[index];

    public void Add(ReadOnlySpan<float> patch)
    {
        if (seen++ % stride != 0) return;
        kept.Add(patch.ToArray());
        if (kept.Count <= Cap) return;
        int half = 0;
        for (int i = 0; i < kept.Count; i += 2) kept[half++] = kept[i];
        kept.RemoveRange(half, kept.Count - half);
        stride *= 2;
    }
}
