using System.Diagnostics;

namespace ModelBuild.Core.Execution;

/// <summary>
/// Decides whether the kernel team's helper threads may spin for the next layer instead of blocking. Spinning saves
/// the wake-up of a blocked thread (tens of µs on a VM) between short layers, but on an oversubscribed machine a
/// spinning helper takes jobs and is then preempted while the caller waits for it. A spinning thread notices being
/// descheduled as a gap between two iterations of its loop; after such a gap nobody spins for a back-off period,
/// which doubles when the next gap comes within twice the period after the last one (up to
/// <see cref="MaxBackOffTicks"/>), and starts from <see cref="MinBackOffTicks"/> again otherwise.
/// Thread-safe: the state is two longs written without locks; a stale read only delays or advances one decision.
/// </summary>
internal sealed class SpinGuard
{
    /// <summary>A gap longer than this between two iterations of a spin loop means the thread was descheduled.</summary>
    public static readonly long PreemptedTicks = Stopwatch.Frequency / 20_000; // 50 µs

    /// <summary>How long a helper spins for the next call before it blocks.</summary>
    public static readonly long SpinTicks = Stopwatch.Frequency / 5_000; // 200 µs

    public static readonly long MinBackOffTicks = Stopwatch.Frequency / 10; // 100 ms
    public static readonly long MaxBackOffTicks = Stopwatch.Frequency * 2;

    private long _blockedUntil = long.MinValue;
    private long _lastPreempted = long.MinValue / 2;
    private long _backOff = MinBackOffTicks;

    /// <summary>Whether spinning is allowed at <paramref name="now"/> (a Stopwatch timestamp).</summary>
    public bool MaySpin(long now) => now >= Volatile.Read(ref _blockedUntil);

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
