using System.Runtime.CompilerServices;
using ModelBuild.Core.Execution.Float;

namespace ModelBuild.Core.Tests.Execution.Float;

/// <summary>Native blocks: aligned, separate from one another, holding what was written, freed with their last user.</summary>
[TestClass]
public sealed unsafe class HugePageMemoryTests
{
    [TestMethod]
    public void Blocks_are_64_byte_aligned_and_do_not_overlap()
    {
        var blocks = new[] { 1, 17, 1000, 3, 100_000 }.Select(n => HugePageMemory.Allocate(n)).ToArray();
        foreach (var b in blocks) Assert.AreEqual(0L, (long)b.Pointer % 64, "a block starts on a cache line");
        for (int i = 0; i < blocks.Length; i++)
            for (int j = 0; j < blocks.Length; j++)
            {
                if (i == j) continue;
                long a0 = (long)blocks[i].Pointer, a1 = a0 + blocks[i].Length * sizeof(float), b0 = (long)blocks[j].Pointer;
                Assert.IsFalse(b0 >= a0 && b0 < a1, $"block {j} starts inside block {i}");
            }
    }

    [TestMethod]
    public void A_copy_holds_the_source_values_in_blocks_small_and_larger_than_a_chunk()
    {
        foreach (int n in new[] { 5, 3_000_000 })
        {
            var source = Enumerable.Range(0, n).Select(i => i * 0.5f - 7f).ToArray();
            var block = HugePageMemory.Copy(source);
            Assert.AreEqual(n, block.Length);
            CollectionAssert.AreEqual(source, new Span<float>(block.Pointer, n).ToArray(), $"{n} floats");
        }
    }

    [TestMethod]
    [DoNotParallelize] // counts the process's chunks
    public void A_chunk_is_freed_once_no_block_in_it_is_referenced()
    {
        Collect();
        int before = HugePageMemory.LiveChunks;
        AllocateAndDrop(before); // a block larger than half a chunk gets a chunk of its own
        Collect();
        Assert.AreEqual(before, HugePageMemory.LiveChunks, "the dropped block's chunk was not freed");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AllocateAndDrop(int before)
    {
        var block = HugePageMemory.Allocate(3_000_000);
        Assert.AreEqual(before + 1, HugePageMemory.LiveChunks, "the large block did not get a chunk of its own");
        block.KeepAlive();
    }

    private static void Collect()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }
}
