using System.Diagnostics;
using ModelBuild.Core.Execution;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Execution;

/// <summary>The kernels' fork-join team: every job exactly once, errors surface, nested and concurrent use work.</summary>
[TestClass]
public sealed class CoreParallelTests
{
    [TestMethod]
    public void Every_index_runs_exactly_once_over_many_rounds()
    {
        for (int round = 0; round < 500; round++)
        {
            int n = 1 + round % 37;
            var hits = new int[n + 3];
            CoreParallel.For(3, n + 3, i => Interlocked.Increment(ref hits[i]));
            CollectionAssert.AreEqual(Enumerable.Repeat(0, 3).Concat(Enumerable.Repeat(1, n)).ToArray(), hits, $"round {round}");
        }
    }

    [TestMethod]
    public void Back_to_back_calls_run_each_call_s_own_jobs_exactly_once()
    {
        // Helpers wake late or spin between calls: a late one must never run a job of one call with another's body.
        const int Calls = 20_000;
        var hits = new int[Calls * 9];
        for (int call = 0; call < Calls; call++)
        {
            int c = call, n = 2 + call % 8;
            CoreParallel.For(0, n, i => Interlocked.Increment(ref hits[c * 9 + i]));
        }

        for (int call = 0; call < Calls; call++)
        {
            for (int i = 0; i < 9; i++)
                Assert.AreEqual(i < 2 + call % 8 ? 1 : 0, hits[call * 9 + i], $"call {call} job {i}");
        }
    }

    [TestMethod]
    public void A_call_returns_only_after_every_job_a_helper_took_has_finished()
    {
        for (int round = 0; round < 20; round++)
        {
            int started = 0, finished = 0;
            CoreParallel.For(0, 4, i =>
            {
                Interlocked.Increment(ref started);
                // The caller holds job 0 until a helper has taken job 1. A process limited to one core has no helper (the
                // jobs run in order on the caller), and waiting there would never end.
                if (i == 0 && Environment.ProcessorCount > 1) SpinWait.SpinUntil(() => Volatile.Read(ref started) >= 2);
                if (i == 1) Thread.Sleep(2); // the helper's job outlasts the caller's others
                Interlocked.Increment(ref finished);
            });
            Assert.AreEqual(4, Volatile.Read(ref finished), $"round {round}");
        }
    }

    [TestMethod]
    public void An_exception_in_a_job_reaches_the_caller_and_the_team_keeps_working() => AssertJobErrorSurfacesAndTeamKeepsWorking(64, 40);

    private static void AssertJobErrorSurfacesAndTeamKeepsWorking(int jobs, int failing)
    {
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => CoreParallel.For(0, jobs, i =>
        {
            if (i == failing) throw new InvalidOperationException($"job {i}");
        }));
        Assert.AreEqual($"job {failing}", e.Message);
        int sum = 0;
        CoreParallel.For(0, 100, i => Interlocked.Add(ref sum, i));
        Assert.AreEqual(4950, sum);
    }

    [TestMethod]
    public void An_exception_in_a_job_run_while_the_team_is_busy_reaches_the_caller_as_itself()
    {
        int checkedInside = 0;
        // The outer call holds the team, so the inner one runs on the capped Parallel.For fallback.
        CoreParallel.For(0, 2, _ =>
        {
            var e = Assert.ThrowsExactly<InvalidOperationException>(() => CoreParallel.For(0, 16, j =>
            {
                if (j == 5) throw new InvalidOperationException("inner job 5");
            }));
            Assert.AreEqual("inner job 5", e.Message);
            Interlocked.Increment(ref checkedInside);
        });
        Assert.AreEqual(2, checkedInside);
    }

    [TestMethod]
    public void Map_returns_every_result_in_index_order()
    {
        for (int round = 0; round < 50; round++)
        {
            var squares = CoreParallel.Map(97, i =>
            {
                Thread.SpinWait((97 - i) * 10); // later indices finish first
                return i * i;
            });

            CollectionAssert.AreEqual(Enumerable.Range(0, 97).Select(i => i * i).ToArray(), squares, $"round {round}");
        }
    }

    [TestMethod]
    public void Map_throws_the_lowest_failing_index_s_exception_as_itself()
    {
        for (int round = 0; round < 50; round++)
        {
            var e = Assert.ThrowsExactly<NotSupportedException>(() => CoreParallel.Map(40, i =>
            {
                Thread.SpinWait((40 - i) * 20); // the higher failing index usually throws first
                return i is 7 or 31 ? throw new NotSupportedException($"job {i}") : i;
            }));

            Assert.AreEqual("job 7", e.Message, $"round {round}");
        }
    }

    [TestMethod]
    public void Nested_and_concurrent_calls_complete()
    {
        long total = 0;
        Parallel.For(0, 8, _ =>
            CoreParallel.For(0, 10, i =>
                CoreParallel.For(0, 10, j => Interlocked.Add(ref total, i * 10 + j))));
        Assert.AreEqual(8L * 4950, total);
    }

    [TestMethod]
    public void Calls_inside_bursts_run_each_job_exactly_once_and_errors_still_surface()
    {
        // Two threads open overlapping bursts and call back to back: the team polls between calls, one thread at a time
        // holds it, the other runs on the fallback.
        var hits = new int[2, 2000, 8];
        Parallel.For(0, 2, t =>
        {
            for (int call = 0; call < 2000; call++)
            {
                using var burst = CoreParallel.BeginBurst();
                int c = call;
                CoreParallel.For(0, 2 + call % 7, i => Interlocked.Increment(ref hits[t, c, i]));
            }
        });
        for (int t = 0; t < 2; t++)
            for (int call = 0; call < 2000; call++)
                for (int i = 0; i < 8; i++)
                    Assert.AreEqual(i < 2 + call % 7 ? 1 : 0, hits[t, call, i], $"thread {t} call {call} job {i}");

        using (CoreParallel.BeginBurst()) AssertJobErrorSurfacesAndTeamKeepsWorking(16, 9);
    }

    [TestMethod]
    [DoNotParallelize] // reads the team threads' CPU time, which another class's calls would add to
    public void An_idle_team_thread_polls_for_at_most_the_poll_time_inside_a_burst_then_blocks()
    {
        if (Environment.ProcessorCount < 2) return; // one core: no team thread exists (nothing polls)
        using var burst = CoreParallel.BeginBurst();
        for (int i = 0; i < 10; i++) CoreParallel.For(0, 8, _ => Thread.SpinWait(1000)); // the helpers are awake
        double before = ThreadTable.CpuMilliseconds(ThreadTable.Named(TeamThreadName));
        Thread.Sleep(300); // a long gap inside the burst: polling all of it would cost 300 ms of CPU per helper
        double spent = ThreadTable.CpuMilliseconds(ThreadTable.Named(TeamThreadName)) - before;
        Assert.IsLessThan(30 * (Environment.ProcessorCount - 1), spent,
            $"team threads used {spent:F0} ms of CPU during a 300 ms gap (poll time {CoreParallel.PollMilliseconds} ms)");
    }

    [TestMethod]
    [DoNotParallelize] // reads the team threads' CPU time, which another class's calls would add to
    public void Team_threads_do_not_poll_outside_a_burst()
    {
        if (Environment.ProcessorCount < 2) return; // one core: no team thread exists (nothing polls)
        for (int i = 0; i < 10; i++) CoreParallel.For(0, 8, _ => Thread.SpinWait(1000));
        double before = ThreadTable.CpuMilliseconds(ThreadTable.Named(TeamThreadName));
        for (int i = 0; i < 20; i++)
        {
            CoreParallel.For(0, 8, _ => Thread.SpinWait(1000));
            Thread.Sleep(10);
        }

        double spent = ThreadTable.CpuMilliseconds(ThreadTable.Named(TeamThreadName)) - before;
        // The 20 calls' jobs take about 2 ms; polling for the poll time after each would add 20 ms per helper.
        Assert.IsLessThan(10 * CoreParallel.PollMilliseconds * (Environment.ProcessorCount - 1), spent,
            $"team threads used {spent:F0} ms of CPU over 20 calls 10 ms apart");
    }

    [TestMethod]
    [DoNotParallelize] // another class's burst could hold the binding
    public void A_burst_binds_the_caller_to_its_cpu_and_the_team_to_the_others_and_undoes_it_at_the_end()
    {
        if (Environment.ProcessorCount < 2) return; // one core: no team thread exists, nothing is bound
        CoreParallel.For(0, 8, _ => Thread.SpinWait(100)); // the team exists
        int caller = ThreadTable.Current, helper = ThreadTable.Named(TeamThreadName)[0];
        int[] callerBefore = ThreadTable.AllowedCpus(caller), teamBefore = ThreadTable.AllowedCpus(helper);
        int[] callerInside, teamInside;
        using (CoreParallel.BeginBurst())
        {
            CoreParallel.For(0, 8, _ => Thread.SpinWait(100));
            callerInside = ThreadTable.AllowedCpus(caller);
            teamInside = ThreadTable.AllowedCpus(helper);
        }

        Assert.HasCount(1, callerInside, $"the caller inside a burst may use CPUs {string.Join(",", callerInside)}");
        CollectionAssert.AreEquivalent(callerBefore.Except(callerInside).ToArray(), teamInside, $"caller {callerInside[0]}, team {string.Join(",", teamInside)}");
        CollectionAssert.AreEqual(callerBefore, ThreadTable.AllowedCpus(caller), "the caller's CPUs after the burst");
        CollectionAssert.AreEqual(teamBefore, ThreadTable.AllowedCpus(helper), "the team's CPUs after the burst");
    }

    [TestMethod]
    [DoNotParallelize] // reads the team threads' CPU time and CPU masks
    public void Overlapping_bursts_undo_the_binding_and_do_not_poll()
    {
        if (Environment.ProcessorCount < 2) return; // one core: no team thread exists, nothing is bound or polls
        CoreParallel.For(0, 8, _ => Thread.SpinWait(100)); // the team exists
        int caller = ThreadTable.Current, helper = ThreadTable.Named(TeamThreadName)[0];
        int[] callerCpus = ThreadTable.AllowedCpus(caller), teamCpus = ThreadTable.AllowedCpus(helper);
        using var entered = new ManualResetEventSlim();
        using var leave = new ManualResetEventSlim();
        using (CoreParallel.BeginBurst())
        {
            Assert.HasCount(1, ThreadTable.AllowedCpus(caller), "alone, the burst binds its caller");
            var other = new Thread(() =>
            {
                using (CoreParallel.BeginBurst())
                {
                    entered.Set();
                    leave.Wait();
                }
            });
            other.Start();
            entered.Wait();
            CollectionAssert.AreEqual(callerCpus, ThreadTable.AllowedCpus(caller), "a second burst gives the first caller its CPUs back");
            CollectionAssert.AreEqual(teamCpus, ThreadTable.AllowedCpus(helper), "and the team every CPU");

            // 100 short calls, each followed by 0.3 ms of the caller's own work: a polling helper would spend ~30 ms.
            double before = ThreadTable.CpuMilliseconds([helper]);
            for (int i = 0; i < 100; i++)
            {
                CoreParallel.For(0, 2, _ => { });
                var until = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 3 / 10_000;
                while (Stopwatch.GetTimestamp() < until) { }
            }

            double spent = ThreadTable.CpuMilliseconds([helper]) - before;
            leave.Set();
            other.Join();
            Assert.IsLessThan(12, spent, $"the helper used {spent:F1} ms of CPU while two bursts were open");
        }
    }

    /// <summary>The start of the team threads' names as Linux keeps them (15 characters).</summary>
    private const string TeamThreadName = "ModelBuild kern";
}
