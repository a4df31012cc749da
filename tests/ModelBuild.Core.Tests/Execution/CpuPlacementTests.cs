using ModelBuild.Core.Execution;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Execution;

/// <summary>Thread CPU affinity on Linux, checked against what /proc says of the same thread.</summary>
[TestClass]
public sealed class CpuPlacementTests
{
    [TestMethod]
    public void The_current_cpu_and_thread_id_are_the_ones_proc_reports()
    {
        Assert.IsTrue(CpuPlacement.Supported, "Linux with glibc: affinity is known");
        int tid = CpuPlacement.CurrentThreadId;
        Assert.AreEqual(ThreadTable.Current, tid);
        Assert.Contains(CpuPlacement.CurrentCpu, ThreadTable.AllowedCpus(tid));
    }

    [TestMethod]
    public void Masks_hold_one_cpu_or_all_the_others_and_none_that_the_process_may_not_use()
    {
        var allowed = ThreadTable.AllowedCpus(CpuPlacement.CurrentThreadId);
        int cpu = allowed[0];
        CollectionAssert.AreEqual(new[] { cpu }, Cpus(CpuPlacement.Mask(cpu, only: true)!));
        if (allowed.Length > 1) CollectionAssert.AreEqual(allowed.Skip(1).ToArray(), Cpus(CpuPlacement.Mask(cpu, only: false)!));
        else Assert.IsNull(CpuPlacement.Mask(cpu, only: false), "no other CPU: no mask");
        Assert.IsNull(CpuPlacement.Mask(1023, only: true), "a CPU the process may not use");
        Assert.IsNull(CpuPlacement.Mask(-1, only: true));
    }

    [TestMethod]
    public void Setting_a_thread_s_mask_moves_it_and_null_gives_it_every_cpu_again()
    {
        // On a thread of its own, so no test thread stays bound if an assertion fails.
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                int tid = CpuPlacement.CurrentThreadId;
                var allowed = ThreadTable.AllowedCpus(tid);
                int last = allowed[^1];
                CpuPlacement.Set(0, CpuPlacement.Mask(last, only: true));
                CollectionAssert.AreEqual(new[] { last }, ThreadTable.AllowedCpus(tid));
                CollectionAssert.AreEqual(new[] { last }, Cpus(CpuPlacement.Get(0)!));
                Assert.AreEqual(last, CpuPlacement.CurrentCpu, "the thread runs where it is bound");
                CpuPlacement.Set(0, null);
                CollectionAssert.AreEqual(allowed, ThreadTable.AllowedCpus(tid));
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null) throw failure;
    }

    private static int[] Cpus(ulong[] mask) => [.. Enumerable.Range(0, mask.Length * 64).Where(c => (mask[c / 64] & (1UL << (c % 64))) != 0)];
}
