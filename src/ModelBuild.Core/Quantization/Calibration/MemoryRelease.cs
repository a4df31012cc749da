namespace ModelBuild.Core.Quantization.Calibration;

/// <summary>
/// Full collections for a build running in a long-lived process whose GC settings a task cannot choose (an MSBuild
/// node). A build's garbage is mostly large arrays (decoded images and samples, a float executor's packed weights and
/// activations, written models) on the large-object heap, which only full collections free; a collection that does not
/// compact also keeps the freed memory committed, and the next step's arrays then add to the resident memory
/// instead of reusing it (measured in docs/PERFORMANCE.md, "Peak memory round").
/// </summary>
internal static class MemoryRelease
{
    /// <summary>Garbage a calibration stream may leave between two collections (<see cref="GarbageBound"/>).</summary>
    public const long StreamGarbageBytes = 64L << 20;

    /// <summary>
    /// Collects everything unreachable, compacts the large-object heap too and gives the free memory back to the
    /// operating system (<see cref="GCCollectionMode.Aggressive"/>): resident memory falls to what is alive. Tens of
    /// milliseconds with a model's weights alive.
    /// </summary>
    public static void ReturnToSystem() => GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);

    /// <summary>
    /// A full collection that frees the large-object heap's garbage without compacting (a few milliseconds): the
    /// freed blocks are reused by the next arrays of the same size, so a stream of equal-sized samples stays in place.
    /// </summary>
    public static void FreeGarbage() => GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: false);

    /// <summary>A bound on a stream's garbage: the process's allocations since the last collection, counted by the GC.</summary>
    public static GarbageBound ForStream() => new(StreamGarbageBytes, () => GC.GetTotalAllocatedBytes(precise: false), FreeGarbage);
}
