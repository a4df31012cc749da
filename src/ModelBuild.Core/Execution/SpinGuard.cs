using System.Diagnostics;

namespace ModelBuild.Core.Execution;

/// <summary>
/// Decides whether the kernel team's helper threads may spin for the next layer instead of blocking. Spinning saves
/// the wake-up of a blocked thread (tens of µs on a VM) between short layers, but on an oversubscribed machine a
/// spinning helper takes jobs and is then preempted while the caller waits for it. A spinning thread notices being
/// descheduled as a gap between two iterations of its loop; after such a gap nobody spins for a back-off period,
/// which doubles when the next gap comes within twice the period after the last one (up to
/// <see cref="MaxBackOffTicks"/>), and starts from <see cref="MinBackOffTicks"/> again otherwise.
/// Where the system says how many threads are runnable right now (Linux: /proc/loadavg), nobody spins either while
/// more threads are runnable than there are cores (sampled every <see cref="SampleTicks"/>).
/// Thread-safe: the state is a few fields written without locks; a stale read only delays or advances one decision.
/// </summary>
internal sealed class SpinGuard(Func<int?> runnableThreads)
{
    public SpinGuard()
        : this(RunnableThreadsNow)
    {
    }

    /// <summary>How often the count of runnable threads is read again.</summary>
    public static readonly long SampleTicks = Stopwatch.Frequency / 50; // 20 ms

    /// <summary>A gap longer than this between two iterations of a spin loop means the thread was descheduled.</summary>
    public static readonly long PreemptedTicks = Stopwatch.Frequency / 20_000; // 50 µs

    /// <summary>How long a helper spins for the next call before it blocks.</summary>
    public static readonly long SpinTicks = Stopwatch.Frequency / 5_000; // 200 µs

    public static readonly long MinBackOffTicks = Stopwatch.Frequency / 10; // 100 ms
    public static readonly long MaxBackOffTicks = Stopwatch.Frequency * 2;

    private long _blockedUntil = long.MinValue;
    private long _nextSample = long.MinValue;
    private bool _crowded;
    private long _lastPreempted = long.MinValue / 2;
    private long _backOff = MinBackOffTicks;

    /// <summary>Whether spinning is allowed at <paramref name="now"/> (a Stopwatch timestamp).</summary>
    public bool MaySpin(long now)
    {
        if (now < Volatile.Read(ref _blockedUntil)) return false;
        if (now >= Volatile.Read(ref _nextSample))
        {
            Volatile.Write(ref _nextSample, now + SampleTicks);
            Volatile.Write(ref _crowded, runnableThreads() > Environment.ProcessorCount);
        }

        return !Volatile.Read(ref _crowded);
    }

    /// <summary>Threads runnable right now, system-wide (the 4th field of /proc/loadavg, "runnable/total"); null where unknown.</summary>
    public static int? RunnableThreadsNow()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? ParseRunnable(File.ReadAllText("/proc/loadavg")) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>"0.52 0.58 0.59 3/345 6825" → 3; null when the text has no such field.</summary>
    public static int? ParseRunnable(string loadavg)
    {
        var fields = loadavg.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 4) return null;
        int slash = fields[3].IndexOf('/');
        return slash > 0 && int.TryParse(fields[3].AsSpan(0, slash), out int n) ? n : null;
    }

    /// <summary>A spin saw a gap (preemption) at <paramref name="now"/>: no spinning for the back-off period.</summary>
    public void Preempted(long now)
    {
        long backOff = Volatile.Read(ref _backOff);
        backOff = now - Volatile.Read(ref _lastPreempted) <= 2 * backOff ? Math.Min(MaxBackOffTicks, 2 * backOff) : MinBackOffTicks;
        Volatile.Write(ref _backOff, backOff);
        Volatile.Write(ref _lastPreempted, now);
        Volatile.Write(ref _blockedUntil, now + backOff);
    }

    /// <summary>
    /// Spins until <paramref name="arrived"/> holds or the spin time is over; false when it ended without it (then the
    /// caller blocks). Records a preemption when one iteration saw a gap longer than <see cref="PreemptedTicks"/>.
    /// </summary>
    public bool SpinUntil(Func<bool> arrived)
    {
        long start = Stopwatch.GetTimestamp(), last = start;
        if (!MaySpin(start)) return false;
        while (true)
        {
            if (arrived()) return true;

            long now = Stopwatch.GetTimestamp();
            if (now - last > PreemptedTicks)
            {
                Preempted(now);
                return false;
            }

            if (now - start > SpinTicks) return false;
            last = now;
            Thread.SpinWait(8);
        }
    }
}
