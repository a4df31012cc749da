using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace ModelBuild.Core.Execution;

/// <summary>
/// The one way the engine's kernels run work in parallel: a fork-join team of (cores − 1) dedicated background
/// threads plus the calling thread, which share the jobs through one counter. Idle team threads block on a
/// semaphore. Two reasons not to hand each layer to Parallel.For on the thread pool: an uncapped Parallel.For starts
/// a replica on every idle pool thread (inside MSBuild, whose pool holds many more threads than cores, several kernel
/// threads per core), and idle pool threads spin between the hundreds of short parallel layers of a calibration
/// batch — in an MSBuild node, a third of the CPU time went to that spinning. When the team is busy (another
/// thread, or a nested call) the work runs on Parallel.For capped at the core count instead.
/// A model run opens a <see cref="BeginBurst">burst</see>: its calls come microseconds apart, so the team's threads
/// poll for the next call instead of blocking (a wake-up costs 20-50 µs on the VM where this was measured, as much as a
/// short layer), and the caller and the team are bound to different CPUs for the run (see <see cref="CpuPlacement"/>).
/// </summary>
internal static class CoreParallel
{
    private static readonly ParallelOptions Capped = new() { MaxDegreeOfParallelism = Environment.ProcessorCount };
    private static readonly Lazy<Team?> SharedTeam = new(() => Environment.ProcessorCount > 1 ? new Team(Environment.ProcessorCount - 1) : null);

    public static void For(int fromInclusive, int toExclusive, Action<int> body)
    {
        int count = toExclusive - fromInclusive;
        if (count <= 0) return;
        if (count == 1)
        {
            body(fromInclusive);
            return;
        }

        var team = SharedTeam.Value;
        if (team is null)
        {
            // One core: the jobs in order on this thread (Parallel.For cost 2-3 µs per call, per layer).
            for (int i = fromInclusive; i < toExclusive; i++) body(i);
            return;
        }

        if (!team.TryRun(fromInclusive, count, body))
            RunCapped(fromInclusive, toExclusive, body);
    }

    /// <summary>
    /// f(0) … f(count − 1) computed in parallel, in index order in the result. When several throw, the lowest index's
    /// exception reaches the caller (as itself), as a loop in order would have thrown it.
    /// </summary>
    public static T[] Map<T>(int count, Func<int, T> f)
    {
        var results = new T[count];
        var errors = new ExceptionDispatchInfo?[count];
        For(0, count, i =>
        {
            try
            {
                results[i] = f(i);
            }
            catch (Exception e)
            {
                errors[i] = ExceptionDispatchInfo.Capture(e);
            }
        });
        foreach (var e in errors) e?.Throw();
        return results;
    }

    /// <summary>Elements a range should hold at least, so forking costs little next to the work.</summary>
    private const int MinElementsPerRange = 1 << 16;

    /// <summary>
    /// Runs <paramref name="body"/>(from, to) over [0, <paramref name="count"/>) in contiguous ranges, in parallel when
    /// the work (count × <paramref name="elementsPerItem"/>) is large enough to pay for it; at most four ranges per core.
    /// </summary>
    public static void ForRanges(int count, Action<int, int> body, long elementsPerItem = 1)
    {
        int ranges = (int)Math.Min(Math.Min(4L * Environment.ProcessorCount, count * elementsPerItem / MinElementsPerRange), count);
        if (ranges <= 1)
        {
            if (count > 0) body(0, count);
            return;
        }

        For(0, ranges, k => body((int)((long)count * k / ranges), (int)((long)count * (k + 1) / ranges)));
    }

    /// <summary>Parallel.For capped at the core count; a job's exception reaches the caller as itself, as from the team.</summary>
    private static void RunCapped(int fromInclusive, int toExclusive, Action<int> body)
    {
        try
        {
            Parallel.For(fromInclusive, toExclusive, Capped, body);
        }
        catch (AggregateException e)
        {
            ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }
    }

    /// <summary>How long an idle team thread (or a caller waiting for a helper's jobs) polls inside a burst before it blocks.</summary>
    public const double PollMilliseconds = 1;

    private static readonly long PollTicks = (long)(Stopwatch.Frequency * PollMilliseconds / 1000);

    /// <summary>
    /// Opens a burst until <see cref="Burst.Dispose"/>: the calls in between come close together (a model run). While it
    /// is the only open burst, idle team threads poll for them rather than block, and the calling thread is bound to
    /// its current CPU and the team to the others. Overlapping bursts (runs on several threads at once) undo the
    /// binding and stop the polling until one burst is left: then the threads compete for the CPUs, and the
    /// scheduler places them better than a fixed binding. On one core it does nothing.
    /// </summary>
    public static Burst BeginBurst()
    {
        var team = SharedTeam.Value;
        return team is null ? default : team.EnterBurst();
    }

    /// <summary>An open burst; disposing it ends it (and undoes the CPU binding, if it holds one).</summary>
    public readonly struct Burst : IDisposable
    {
        private readonly Team? _team;

        internal Burst(Team team) => _team = team;

        public void Dispose() => _team?.LeaveBurst();
    }

    /// <summary>
    /// Polls (plain reads: no pause instruction, no yield) while <paramref name="waiting"/> holds, for at most
    /// <see cref="PollMilliseconds"/>; true when it stopped holding.
    /// </summary>
    private static bool Poll<T>(T state, Func<T, bool> waiting)
    {
        long until = Stopwatch.GetTimestamp() + PollTicks;
        for (int polls = 1; waiting(state); polls++)
            if ((polls & 255) == 0 && Stopwatch.GetTimestamp() > until) return false;
        return true;
    }

    /// <summary>With per-thread state (e.g. a scratch buffer), made once per worker.</summary>
    public static void For<TLocal>(int fromInclusive, int toExclusive, Func<TLocal> init, Func<int, ParallelLoopState, TLocal, TLocal> body)
    {
        if (toExclusive > fromInclusive) Parallel.For(fromInclusive, toExclusive, Capped, init, body, _ => { });
    }

    /// <summary>
    /// The team: each call is published as a <see cref="Call"/> whose jobs the caller and the helpers claim through
    /// one counter. The caller waits only for jobs a helper has claimed, never for a helper still waking up (a late
    /// helper finds the call's jobs gone, or joins the next call). Between calls the helpers block, except inside a
    /// burst, where they poll for up to <see cref="PollMilliseconds"/> and run on other CPUs than the caller. (Polling
    /// without that binding was measured and not kept: the scheduler then often kept helper and caller on one CPU,
    /// and the polling helper took half of it; docs/PERFORMANCE.md, "MobileNetV2 round 2" and "Two threads: binding the
    /// team to its own CPU".)
    /// </summary>
    internal sealed class Team
    {
        private readonly SemaphoreSlim _wake = new(0);
        private readonly int _helpers;
        private readonly int[] _helperThreadIds;
        private readonly Lock _binding = new();
        private int _busy, _sleeping, _bursts;
        private (int ThreadId, ulong[] Mask)? _boundCaller;
        private Call _call = new(0, _ => { }, 0, 0);

        public Team(int helpers)
        {
            _helpers = helpers;
            _helperThreadIds = new int[helpers];
            for (int i = 0; i < helpers; i++)
            {
                int index = i;
                new Thread(() => HelperLoop(index)) { IsBackground = true, Name = $"ModelBuild kernel {i + 1}" }.Start();
            }
        }

        /// <summary>Exactly one burst is open: the team polls.</summary>
        private bool InBurst => Volatile.Read(ref _bursts) == 1;

        /// <summary>
        /// Opens a burst. The only open burst binds its caller to the CPU it runs on and the helpers to the other CPUs,
        /// so the scheduler cannot wake one beside the other, and wakes the sleeping helpers, so they are polling by the
        /// first call; a second one undoes the binding.
        /// </summary>
        public Burst EnterBurst()
        {
            lock (_binding)
            {
                if (Interlocked.Increment(ref _bursts) == 1) Bind();
                else Unbind();
            }

            WakeSleepers();
            return new Burst(this);
        }

        /// <summary>Ends a burst; the binding ends with the burst that made it.</summary>
        public void LeaveBurst()
        {
            lock (_binding)
            {
                if (_boundCaller?.ThreadId == CpuPlacement.CurrentThreadId) Unbind();
                Interlocked.Decrement(ref _bursts);
            }
        }

        private void Bind()
        {
            int cpu = CpuPlacement.CurrentCpu;
            if (CpuPlacement.Mask(cpu, only: false) is not { } others || CpuPlacement.Get(0) is not { } callerMask) return;
            CpuPlacement.Set(0, CpuPlacement.Mask(cpu, only: true));
            foreach (int id in _helperThreadIds)
                if (id != 0) CpuPlacement.Set(id, others);
            _boundCaller = (CpuPlacement.CurrentThreadId, callerMask);
        }

        /// <summary>Gives the bound caller its own mask back and the helpers every CPU (called under the lock).</summary>
        private void Unbind()
        {
            if (_boundCaller is not { } caller) return;
            CpuPlacement.Set(caller.ThreadId, caller.Mask);
            foreach (int id in _helperThreadIds)
                if (id != 0) CpuPlacement.Set(id, null);
            _boundCaller = null;
        }

        private void WakeSleepers()
        {
            int sleeping = Volatile.Read(ref _sleeping);
            if (sleeping > 0) _wake.Release(Math.Min(sleeping, _helpers));
        }

        /// <summary>Runs body(from … from+count−1) on the team and the caller; false when the team is already in use.</summary>
        public bool TryRun(int from, int count, Action<int> body)
        {
            if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0) return false;
            try
            {
                var call = new Call(_call.Id + 1, body, from, count);
                Interlocked.Exchange(ref _call, call);
                WakeSleepers();
                call.Work();
                call.WaitForClaimedJobs(InBurst);
                call.Forget();
                call.Error?.Throw();
                return true;
            }
            finally
            {
                Volatile.Write(ref _busy, 0);
            }
        }

        private void HelperLoop(int index)
        {
            Volatile.Write(ref _helperThreadIds[index], CpuPlacement.CurrentThreadId);
            long seen = 0;
            while (true)
            {
                var call = Volatile.Read(ref _call);
                if (call.Id != seen)
                {
                    seen = call.Id;
                    call.Work();
                    continue;
                }

                // Inside a burst the next call is microseconds away: poll for it (or for the burst's end) before sleeping.
                if (InBurst && Poll((team: this, seen), static s => s.team.InBurst && Volatile.Read(ref s.team._call).Id == s.seen)) continue;

                // Announce the sleep, then look once more: a call published in between is either seen here or wakes us.
                Interlocked.Increment(ref _sleeping);
                if (Volatile.Read(ref _call).Id == seen) _wake.Wait();
                Interlocked.Decrement(ref _sleeping);
            }
        }
    }

    /// <summary>
    /// One call's jobs: claimed through one counter, counted when done; after a job throws, the remaining jobs are
    /// claimed and skipped, so the count still completes.
    /// </summary>
    private sealed class Call(long id, Action<int> body, int from, int count)
    {
        private readonly ManualResetEventSlim _finished = new(false, spinCount: 50);
        private int _next = -1, _done;
        private ExceptionDispatchInfo? _error;

        public long Id { get; } = id;

        public ExceptionDispatchInfo? Error => Volatile.Read(ref _error);

        /// <summary>Claims and runs jobs until none is left.</summary>
        public void Work()
        {
            int i, ran = 0;
            while ((i = Interlocked.Increment(ref _next)) < count)
            {
                ran++;
                if (Volatile.Read(ref _error) is not null) continue;
                try
                {
                    body(from + i);
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref _error, ExceptionDispatchInfo.Capture(e), null);
                }
            }

            if (ran > 0 && Interlocked.Add(ref _done, ran) == count) _finished.Set();
        }

        /// <summary>Drops the body once every job has run, so the team does not keep the last layer's arrays alive.</summary>
        public void Forget() => body = NoJob;

        private static readonly Action<int> NoJob = _ => { };

        private bool Pending => Volatile.Read(ref _done) != count;

        /// <summary>
        /// Returns when every job claimed by a helper has finished (the caller's own are done already); polls first
        /// when <paramref name="poll"/> (inside a burst).
        /// </summary>
        public void WaitForClaimedJobs(bool poll)
        {
            if (!Pending || poll && Poll(this, static c => c.Pending)) return;
            _finished.Wait();
        }
    }
}
