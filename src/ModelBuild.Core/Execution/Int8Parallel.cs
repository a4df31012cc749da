namespace ModelBuild.Core.Execution;

internal static class Int8Parallel
{
    private const int MinChunk = 1 << 15;

    /// <summary>Runs body over [0, count) in contiguous chunks, in parallel when the work is large enough.</summary>
    public static void For(int count, Action<int, int> body)
    {
        int chunks = Math.Min(Environment.ProcessorCount * 4, (count + MinChunk - 1) / MinChunk);
        if (chunks <= 1)
        {
            body(0, count);
            return;
        }

        CoreParallel.For(0, chunks, k => body((int)((long)count * k / chunks), (int)((long)count * (k + 1) / chunks)));
    }
}
