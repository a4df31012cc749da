namespace ModelBuild.Core.Quantization.Calibration;

/// <summary>
/// Keeps the garbage of a long stream of large arrays bounded: <see cref="Check"/>, called between items, collects
/// once <paramref name="bytes"/> have been allocated since the last collection. The runtime's own budget for the
/// large-object heap grows with the heap (hundreds of MB once a model's weights are alive), so without this a
/// calibration over hundreds of images piled up that much garbage before the first full collection.
/// </summary>
/// <param name="allocated">Bytes allocated so far (a counter that only grows).</param>
internal sealed class GarbageBound(long bytes, Func<long> allocated, Action collect)
{
    private long lastCollection = allocated();

    public int Collections { get; private set; }

    public void Check()
    {
        if (allocated() - lastCollection < bytes) return;
        collect();
        Collections++;
        lastCollection = allocated();
    }
}
