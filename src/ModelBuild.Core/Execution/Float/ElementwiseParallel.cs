using ModelBuild.Core.Execution;
namespace ModelBuild.Core.Execution.Float;

/// <summary>Splits a memory-bound pass into contiguous chunks over the cores when it is large enough to pay for it.</summary>
internal static class ElementwiseParallel
{
    private const int MinElementsPerChunk = 1 << 16;

    /// <summary>Runs <paramref name="body"/>(from, to) over [0, count); <paramref name="weight"/> = elements per unit of count.</summary>
    public static void For(int count, Action<int, int> body, int weight = 1)
    {
        long elements = (long)count * weight;
        int chunks = (int)Math.Min(Math.Min(2L * Environment.ProcessorCount, elements / MinElementsPerChunk), count);
        if (chunks <= 1)
        {
            body(0, count);
            return;
        }

        CoreParallel.For(0, chunks, k => body((int)((long)count * k / chunks), (int)((long)count * (k + 1) / chunks)));
    }
}
