using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ModelBuild.Core.Execution.Int8;

/// <summary>
/// CONV_2D's int8 GEMM over packed weights, used by <see cref="Int8Conv2DKernel"/>: on AVX-VNNI (vpdpbusd: four
/// unsigned × signed byte products summed into each int32 lane) where the CPU has it, and on CPUs without it with each
/// vpdpbusd emulated exactly on AVX2 (<see cref="Int8ConvPath.Avx2"/>). The products are exact integers, so the result is the same
/// int32 accumulator as the plain dot products, bit for bit. vpdpbusd wants one unsigned operand: the im2col patches
/// hold x + 128 (x xor 0x80), and the 128·Σw that adds is taken off again with the input offset (see
/// <see cref="SumCorrection"/>). The weights are packed once: blocks of 16 output channels, and within a block, for
/// every 4 consecutive taps, the 4 bytes of channels 0-7 then of channels 8-15 (one 256-bit load each), the taps
/// padded with zero weights to a multiple of 4 and the channels to a multiple of 16. A micro-kernel multiplies
/// 6 patches by one block (12 accumulators in registers) over all taps.
/// </summary>
internal sealed class Int8PackedGemm
{
    public const int Rows = 6;
    public const int Block = 16;

    /// <summary>Patches a parallel job covers at most (a few hundred kB of patches for the widest layers).</summary>
    private const int RowsPerJob = 8 * Rows;

    [ThreadStatic] private static byte[]? s_patches;
    [ThreadStatic] private static int[]? s_sums;
    [ThreadStatic] private static int[]? s_tail;

    private readonly byte[] packed;
    private readonly int taps, paddedTaps, channels, blocks;
    private readonly bool emulated;

    /// <summary>The fastest CONV_2D path this CPU runs: VNNI, else the same packing on AVX2, else the portable dot products.</summary>
    public static Int8ConvPath Best => AvxVnni.IsSupported ? Int8ConvPath.Vnni : Avx2.IsSupported ? Int8ConvPath.Avx2 : Int8ConvPath.Portable;

    public delegate void PatchFiller(int pixel, Span<byte> row);

    public delegate void SumsConsumer(int pixel, ReadOnlySpan<int> sums);

    /// <param name="weights">[<paramref name="channels"/>, <paramref name="taps"/>] row-major (OHWI).</param>
    /// <param name="path"><see cref="Int8ConvPath.Vnni"/>, or <see cref="Int8ConvPath.Avx2"/>: each vpdpbusd done as two exact vpmaddwd.</param>
    public Int8PackedGemm(sbyte[] weights, int channels, int taps, Int8ConvPath path)
    {
        if (path == Int8ConvPath.Portable) throw new ArgumentException("the packed GEMM runs on VNNI or AVX2", nameof(path));
        emulated = path == Int8ConvPath.Avx2;
        this.channels = channels;
        this.taps = taps;
        paddedTaps = (taps + 3) & ~3;
        blocks = (channels + Block - 1) / Block;
        packed = GC.AllocateUninitializedArray<byte>(blocks * paddedTaps * Block); // every byte is written by Pack
        CoreParallel.ForRanges(blocks, (from, to) => Pack(weights, from, to), (long)Block * paddedTaps);
    }

    /// <summary>Blocks [from, to): channel o's 4-tap group g is word (block·groups + g)·16 + o mod 16 of <see cref="packed"/>.</summary>
    private void Pack(sbyte[] weights, int from, int to)
    {
        int groups = paddedTaps / 4, whole = taps / 4;
        ref byte source = ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetArrayDataReference(weights));
        ref int words = ref Unsafe.As<byte, int>(ref MemoryMarshal.GetArrayDataReference(packed));
        for (int block = from; block < to; block++)
        {
            int width = Math.Min(Block, channels - block * Block);
            for (int lane = 0; lane < Block; lane++)
            {
                ref int word = ref Unsafe.Add(ref words, (nint)block * groups * Block + lane);
                if (lane >= width)
                {
                    // Channels past the last are zero weights.
                    for (int g = 0; g < groups; g++) Unsafe.Add(ref word, g * Block) = 0;
                    continue;
                }

                ref byte row = ref Unsafe.Add(ref source, (nint)(block * Block + lane) * taps);
                for (int g = 0; g < whole; g++) Unsafe.Add(ref word, g * Block) = Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref row, 4 * g));
                if (whole == groups) continue;
                // The last group's missing taps are zero weights.
                int last = 0;
                for (int k = 4 * whole; k < taps; k++) last |= Unsafe.Add(ref row, k) << (8 * (k - 4 * whole));
                Unsafe.Add(ref word, whole * Block) = last;
            }
        }
    }

    /// <summary>Taps per patch row as <see cref="Run"/> wants them: the patch's taps, then padding up to a multiple of 4.</summary>
    public int PatchStride => paddedTaps;

    /// <summary>What to add to vpdpbusd's sum for channel o: its Σw times (input offset − 128).</summary>
    public static int SumCorrection(int inputOffset, int weightSum) => (inputOffset - 128) * weightSum;

    /// <summary>
    /// Computes <paramref name="count"/> output pixels in parallel jobs. <paramref name="fillPatch"/>(pixel, row) writes
    /// pixel's taps, each as x xor 0x80, into the first taps bytes of row (<see cref="PatchStride"/> long);
    /// <paramref name="store"/>(pixel, sums) gets the pixel's raw vpdpbusd sums, one per channel.
    /// </summary>
    public void Run(int count, PatchFiller fillPatch, SumsConsumer store)
    {
        int tiles = (count + Rows - 1) / Rows;
        int jobs = Math.Max(Math.Min(tiles, 2 * Environment.ProcessorCount), (tiles + RowsPerJob / Rows - 1) / (RowsPerJob / Rows));
        CoreParallel.For(0, jobs, job =>
        {
            int firstTile = (int)((long)tiles * job / jobs), endTile = (int)((long)tiles * (job + 1) / jobs);
            int first = firstTile * Rows, end = Math.Min(count, endTile * Rows);
            int rows = (endTile - firstTile) * Rows;
            var patches = s_patches is { } p && p.Length >= rows * paddedTaps ? p : s_patches = new byte[rows * paddedTaps];
            var results = s_sums is { } q && q.Length >= rows * channels ? q : s_sums = new int[rows * channels];
            var tail = s_tail ??= new int[Rows * Block];
            for (int pixel = first; pixel < end; pixel++)
            {
                var row = patches.AsSpan((pixel - first) * paddedTaps, paddedTaps);
                fillPatch(pixel, row);
                row[taps..].Clear();
            }

            for (int block = 0; block < blocks; block++)
            {
                int width = Math.Min(Block, channels - block * Block);
                for (int tile = 0; tile < endTile - firstTile; tile++)
                {
                    ref byte tilePatches = ref patches[tile * Rows * paddedTaps];
                    ref byte blockWeights = ref packed[block * paddedTaps * Block];
                    if (width == Block)
                    {
                        Multiply(ref tilePatches, ref blockWeights, ref results[tile * Rows * channels + block * Block], channels);
                        continue;
                    }

                    Multiply(ref tilePatches, ref blockWeights, ref tail[0], Block);
                    for (int r = 0; r < Rows; r++) tail.AsSpan(r * Block, width).CopyTo(results.AsSpan((tile * Rows + r) * channels + block * Block));
                }
            }

            for (int pixel = first; pixel < end; pixel++) store(pixel, results.AsSpan((pixel - first) * channels, channels));
        });
    }

    /// <summary>dst[i] = src[i] + 128 as a byte (x xor 0x80).</summary>
    public static void FlipSigns(ReadOnlySpan<sbyte> src, Span<byte> dst)
    {
        var bytes = MemoryMarshal.AsBytes(src);
        int i = 0;
        for (; i <= bytes.Length - 32; i += 32)
            (Vector256.Create(bytes.Slice(i, 32)) ^ Vector256.Create((byte)0x80)).CopyTo(dst.Slice(i, 32));
        for (; i < bytes.Length; i++) dst[i] = (byte)(bytes[i] ^ 0x80);
    }

    private void Multiply(ref byte patches, ref byte weights, ref int sums, int sumStride)
    {
        if (!emulated)
        {
            MicroKernel(ref patches, ref weights, paddedTaps, ref sums, sumStride);
            return;
        }

        // Three patches at a time: the emulation needs twice the registers per product.
        MicroKernelAvx2(ref patches, ref weights, paddedTaps, ref sums, sumStride);
        MicroKernelAvx2(ref Unsafe.Add(ref patches, 3 * paddedTaps), ref weights, paddedTaps, ref Unsafe.Add(ref sums, 3 * sumStride), sumStride);
    }

    /// <summary>
    /// 3 patches × 16 channels without VNNI: the weights' even and odd taps sign-extended to int16, the patch's unsigned
    /// bytes split the same way, and vpmaddwd of each pair (u8 × s8 products fit int16 operands; the int32 pair sums are
    /// exact), so each lane gets the same four-tap sum as vpdpbusd.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MicroKernelAvx2(ref byte patches, ref byte weights, int stride, ref int sums, int sumStride)
    {
        Vector256<int> a00 = default, a01 = default, a10 = default, a11 = default, a20 = default, a21 = default;
        int groups = stride / 4;
        ref byte w = ref weights;
        var low = Vector256.Create((short)0xFF);
        for (int g = 0; g < groups; g++)
        {
            var v0 = Vector256.LoadUnsafe(ref w).AsInt16();
            var v1 = Vector256.LoadUnsafe(ref w, 32).AsInt16();
            w = ref Unsafe.Add(ref w, 64);
            var (w0Even, w0Odd) = (Avx2.ShiftRightArithmetic(Avx2.ShiftLeftLogical(v0, 8), 8), Avx2.ShiftRightArithmetic(v0, 8));
            var (w1Even, w1Odd) = (Avx2.ShiftRightArithmetic(Avx2.ShiftLeftLogical(v1, 8), 8), Avx2.ShiftRightArithmetic(v1, 8));
            nuint k = (nuint)(4 * g);
            var x = Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref patches, k))).AsInt16();
            var (xEven, xOdd) = (x & low, Avx2.ShiftRightLogical(x, 8));
            a00 += Avx2.MultiplyAddAdjacent(xEven, w0Even) + Avx2.MultiplyAddAdjacent(xOdd, w0Odd);
            a01 += Avx2.MultiplyAddAdjacent(xEven, w1Even) + Avx2.MultiplyAddAdjacent(xOdd, w1Odd);
            x = Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref patches, k + (nuint)stride))).AsInt16();
            (xEven, xOdd) = (x & low, Avx2.ShiftRightLogical(x, 8));
            a10 += Avx2.MultiplyAddAdjacent(xEven, w0Even) + Avx2.MultiplyAddAdjacent(xOdd, w0Odd);
            a11 += Avx2.MultiplyAddAdjacent(xEven, w1Even) + Avx2.MultiplyAddAdjacent(xOdd, w1Odd);
            x = Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref patches, k + (nuint)(2 * stride)))).AsInt16();
            (xEven, xOdd) = (x & low, Avx2.ShiftRightLogical(x, 8));
            a20 += Avx2.MultiplyAddAdjacent(xEven, w0Even) + Avx2.MultiplyAddAdjacent(xOdd, w0Odd);
            a21 += Avx2.MultiplyAddAdjacent(xEven, w1Even) + Avx2.MultiplyAddAdjacent(xOdd, w1Odd);
        }

        nuint at = (nuint)sumStride;
        a00.StoreUnsafe(ref sums, 0);
        a01.StoreUnsafe(ref sums, 8);
        a10.StoreUnsafe(ref sums, at);
        a11.StoreUnsafe(ref sums, at + 8);
        a20.StoreUnsafe(ref sums, 2 * at);
        a21.StoreUnsafe(ref sums, 2 * at + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MicroKernel(ref byte patches, ref byte weights, int stride, ref int sums, int sumStride)
    {
        Vector256<int> a00 = default, a01 = default, a10 = default, a11 = default, a20 = default, a21 = default;
        Vector256<int> a30 = default, a31 = default, a40 = default, a41 = default, a50 = default, a51 = default;
        int groups = stride / 4;
        ref byte w = ref weights;
        for (int g = 0; g < groups; g++)
        {
            var w0 = Vector256.LoadUnsafe(ref w).AsSByte();
            var w1 = Vector256.LoadUnsafe(ref w, 32).AsSByte();
            w = ref Unsafe.Add(ref w, 64);
            nuint k = (nuint)(4 * g);
            var x = Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref patches, k))).AsByte();
            a00 = AvxVnni.MultiplyWideningAndAdd(a00, x, w0);
            a01 = AvxVnni.MultiplyWideningAndAdd(a01, x, w1);
            x = Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref patches, k + (nuint)stride))).AsByte();
            a10 = AvxVnni.MultiplyWideningAndAdd(a10, x, w0);
            a11 = AvxVnni.MultiplyWideningAndAdd(a11, x, w1);
            x = Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref patches, k + (nuint)(2 * stride)))).AsByte();
            a20 = AvxVnni.MultiplyWideningAndAdd(a20, x, w0);
            a21 = AvxVnni.MultiplyWideningAndAdd(a21, x, w1);
            x = Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref patches, k + (nuint)(3 * stride)))).AsByte();
            a30 = AvxVnni.MultiplyWideningAndAdd(a30, x, w0);
            a31 = AvxVnni.MultiplyWideningAndAdd(a31, x, w1);
            x = Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref patches, k + (nuint)(4 * stride)))).AsByte();
            a40 = AvxVnni.MultiplyWideningAndAdd(a40, x, w0);
            a41 = AvxVnni.MultiplyWideningAndAdd(a41, x, w1);
            x = Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref patches, k + (nuint)(5 * stride)))).AsByte();
            a50 = AvxVnni.MultiplyWideningAndAdd(a50, x, w0);
            a51 = AvxVnni.MultiplyWideningAndAdd(a51, x, w1);
        }

        nuint at = (nuint)sumStride;
        a00.StoreUnsafe(ref sums, 0);
        a01.StoreUnsafe(ref sums, 8);
        a10.StoreUnsafe(ref sums, at);
        a11.StoreUnsafe(ref sums, at + 8);
        a20.StoreUnsafe(ref sums, 2 * at);
        a21.StoreUnsafe(ref sums, 2 * at + 8);
        a30.StoreUnsafe(ref sums, 3 * at);
        a31.StoreUnsafe(ref sums, 3 * at + 8);
        a40.StoreUnsafe(ref sums, 4 * at);
        a41.StoreUnsafe(ref sums, 4 * at + 8);
        a50.StoreUnsafe(ref sums, 5 * at);
        a51.StoreUnsafe(ref sums, 5 * at + 8);
    }
}

/// <summary>How <see cref="Int8Conv2DKernel"/> runs its GEMM.</summary>
internal enum Int8ConvPath
{
    /// <summary>im2col patch by patch with 4-channel dot products (any CPU).</summary>
    Portable,

    /// <summary><see cref="Int8PackedGemm"/>'s packing, each vpdpbusd emulated exactly with two vpmaddwd.</summary>
    Avx2,

    /// <summary><see cref="Int8PackedGemm"/> on AVX-VNNI.</summary>
    Vnni,
}
