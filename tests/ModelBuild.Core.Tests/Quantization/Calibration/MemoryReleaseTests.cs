using System.Runtime.CompilerServices;
using ModelBuild.Core.Quantization.Calibration;

namespace ModelBuild.Core.Tests.Quantization.Calibration;

[TestClass]
public sealed class MemoryReleaseTests
{
    [TestMethod]
    [DoNotParallelize] // measures the whole process's heap
    public void Returning_memory_to_the_system_uncommits_the_large_arrays_freed()
    {
        MemoryRelease.ReturnToSystem();
        long before = GC.GetGCMemoryInfo().TotalCommittedBytes;
        AllocateAndDrop(count: 48, bytes: 4 << 20);
        MemoryRelease.ReturnToSystem();
        var after = GC.GetGCMemoryInfo();

        Assert.IsLessThan(before + (32L << 20), after.TotalCommittedBytes,
            $"committed {before >> 20} MiB before 192 MiB of arrays were made and dropped, {after.TotalCommittedBytes >> 20} MiB after");
        Assert.IsTrue(after.Compacted);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AllocateAndDrop(int count, int bytes)
    {
        var arrays = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            arrays[i] = new byte[bytes];
            arrays[i][^1] = 1;
        }

        GC.KeepAlive(arrays);
    }
}
