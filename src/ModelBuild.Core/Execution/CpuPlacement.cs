using System.Runtime.InteropServices;

namespace ModelBuild.Core.Execution;

/// <summary>
/// CPU affinity of single threads (Linux; elsewhere nothing is known or changed): which CPU a thread runs on, its
/// thread id, and restricting a thread to some of the CPUs the process may use. <see cref="CoreParallel"/> binds a
/// model run's caller and its team to different CPUs with it (as OpenMP's OMP_PROC_BIND does), because on the 2-core
/// VM where this was measured the scheduler otherwise woke the team's helper on the caller's CPU (or the caller on the
/// helper's) and one CPU ran every job (docs/PERFORMANCE.md, "Two threads: binding the team to its own CPU").
/// </summary>
internal static partial class CpuPlacement
{
    private const int MaskWords = 16; // 1024 CPUs

    /// <summary>The CPUs the process may use, when known.</summary>
    private static readonly ulong[]? Allowed = ReadAllowed();

    public static bool Supported => Allowed is not null;

    /// <summary>The calling thread's CPU, or −1 where it is not known.</summary>
    public static int CurrentCpu => Allowed is null ? -1 : sched_getcpu();

    /// <summary>The calling thread's kernel thread id, or 0 where it is not known.</summary>
    public static int CurrentThreadId => Allowed is null ? 0 : gettid();

    /// <summary>The process's CPUs, of which <paramref name="only"/> alone (true) or all but it (false); null when that is empty.</summary>
    public static ulong[]? Mask(int cpu, bool only)
    {
        if (Allowed is null || cpu < 0 || cpu >= MaskWords * 64 || (Allowed[cpu / 64] & (1UL << (cpu % 64))) == 0) return null;
        var mask = only ? new ulong[MaskWords] : (ulong[])Allowed.Clone();
        if (only) mask[cpu / 64] = 1UL << (cpu % 64);
        else mask[cpu / 64] &= ~(1UL << (cpu % 64));
        return Array.Exists(mask, w => w != 0) ? mask : null;
    }

    /// <summary>A thread's (0: the calling thread's) CPU mask, or null.</summary>
    public static ulong[]? Get(int threadId)
    {
        if (Allowed is null) return null;
        var mask = new ulong[MaskWords];
        return sched_getaffinity(threadId, MaskWords * sizeof(ulong), mask) == 0 ? mask : null;
    }

    /// <summary>Sets a thread's (0: the calling thread's) CPU mask (null: every CPU the process may use).</summary>
    public static void Set(int threadId, ulong[]? mask)
    {
        if (Allowed is not null) _ = sched_setaffinity(threadId, MaskWords * sizeof(ulong), mask ?? Allowed);
    }

    private static ulong[]? ReadAllowed()
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            // Every entry point is called once here: a C library without one of them (an old glibc has no gettid)
            // makes placement unsupported instead of failing later on a kernel thread.
            _ = sched_getcpu();
            _ = gettid();
            var mask = new ulong[MaskWords];
            return sched_getaffinity(0, MaskWords * sizeof(ulong), mask) == 0 ? mask : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    [LibraryImport("libc")]
    private static partial int sched_getcpu();

    [LibraryImport("libc")]
    private static partial int gettid();

    [LibraryImport("libc")]
    private static partial int sched_getaffinity(int pid, nint size, [Out] ulong[] mask);

    [LibraryImport("libc")]
    private static partial int sched_setaffinity(int pid, nint size, ulong[] mask);
}
