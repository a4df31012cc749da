using System.Runtime.InteropServices;

namespace ModelBuild.Core.Execution.Float;

/// <summary>
/// Native memory for what the float kernels stream every run (packed GEMM panels, fully connected rows, depthwise
/// weights, the fused blocks' band buffers): 64-byte aligned blocks carved from 16 MiB chunks that start on a 2 MiB
/// boundary and that Linux is asked to back with transparent huge pages (<c>madvise(MADV_HUGEPAGE)</c>; this
/// machine's default is "madvise", so .NET arrays never get them). A model's weights then span a few dozen TLB
/// entries instead of thousands of 4 KiB pages, whose misses (each a page walk, two-dimensional in a VM) every run
/// paid again after other work had flushed the TLB: MobileNetV2 at one core, interleaved with TFLite, 0.99 → 0.935
/// of XNNPACK's time for the weights, 0.88 → 0.85 for the band buffers (docs/PERFORMANCE.md). Elsewhere the advice
/// is skipped and the blocks are plain aligned memory. A chunk is freed when no block in it is referenced; its space
/// is not reused before then (blocks die together with their executors).
/// </summary>
internal sealed unsafe partial class HugePageMemory
{
    private const long ChunkBytes = 16L << 20;
    private const long HugePageBytes = 2L << 20;
    private const long Alignment = 64;

    private static readonly object Gate = new();
    private static WeakReference<Chunk>? s_current;

    private readonly Chunk _chunk;

    private HugePageMemory(Chunk chunk, float* pointer, long length)
    {
        _chunk = chunk;
        Pointer = pointer;
        Length = length;
    }

    /// <summary>The first float; valid while this object is referenced.</summary>
    public float* Pointer { get; }

    /// <summary>Floats in the block.</summary>
    public long Length { get; }

    /// <summary>Chunks not yet freed (for tests).</summary>
    internal static int LiveChunks => Chunk.Live;

    /// <summary>A block of <paramref name="floats"/> floats, uninitialized (not zeroed).</summary>
    public static HugePageMemory Allocate(long floats)
    {
        long bytes = Math.Max(Alignment, (floats * sizeof(float) + Alignment - 1) / Alignment * Alignment);
        if (bytes > ChunkBytes / 2)
        {
            var own = new Chunk(bytes);
            return new HugePageMemory(own, own.Take(bytes), floats);
        }

        lock (Gate)
        {
            if (s_current is null || !s_current.TryGetTarget(out var chunk) || chunk.Free < bytes)
                s_current = new WeakReference<Chunk>(chunk = new Chunk(ChunkBytes));
            return new HugePageMemory(chunk, chunk.Take(bytes), floats);
        }
    }

    /// <summary>A block holding a copy of <paramref name="source"/>.</summary>
    public static HugePageMemory Copy(float[] source)
    {
        var block = Allocate(source.Length);
        source.AsSpan().CopyTo(new Span<float>(block.Pointer, source.Length));
        return block;
    }

    /// <summary>Keeps the block alive until here (call after the last use of <see cref="Pointer"/> in a method).</summary>
    public void KeepAlive() => GC.KeepAlive(_chunk);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int madvise(void* address, nuint length, int advice);

    private sealed class Chunk
    {
        private const int MadvHugePage = 14;
        private static int s_live;

        private readonly byte* _base;
        private readonly long _size;
        private long _used;

        public Chunk(long size)
        {
            _size = (size + HugePageBytes - 1) / HugePageBytes * HugePageBytes;
            _base = (byte*)NativeMemory.AlignedAlloc((nuint)_size, (nuint)HugePageBytes);
            GC.AddMemoryPressure(_size);
            Interlocked.Increment(ref s_live);
            if (!OperatingSystem.IsLinux()) return;
            try
            {
                _ = madvise(_base, (nuint)_size, MadvHugePage); // advice only: a kernel without THP leaves 4 KiB pages
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
            }
        }

        ~Chunk()
        {
            NativeMemory.AlignedFree(_base);
            GC.RemoveMemoryPressure(_size);
            Interlocked.Decrement(ref s_live);
        }

        public static int Live => Volatile.Read(ref s_live);

        public long Free => _size - _used;

        public float* Take(long bytes)
        {
            var p = _base + _used;
            _used += bytes;
            return (float*)p;
        }
    }
}
