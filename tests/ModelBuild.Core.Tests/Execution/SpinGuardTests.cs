using System.Diagnostics;
using ModelBuild.Core.Execution;

namespace ModelBuild.Core.Tests.Execution;

/// <summary>The kernel team's guard: helpers spin only while no spin has recently been descheduled.</summary>
[TestClass]
public sealed class SpinGuardTests
{
    private const long T0 = 1_000_000_000;

    /// <summary>A guard on a machine where no other thread wants a core.</summary>
    private static SpinGuard Idle() => new(() => 1);

    [TestMethod]
    public void Spinning_is_allowed_until_a_preemption_is_seen()
    {
        var guard = Idle();
        Assert.IsTrue(guard.MaySpin(T0));
        guard.Preempted(T0);
        Assert.IsFalse(guard.MaySpin(T0 + 1));
        Assert.IsFalse(guard.MaySpin(T0 + SpinGuard.MinBackOffTicks - 1));
        Assert.IsTrue(guard.MaySpin(T0 + SpinGuard.MinBackOffTicks));
    }

    [TestMethod]
    public void A_preemption_soon_after_the_last_doubles_the_back_off_up_to_the_maximum()
    {
        var guard = Idle();
        long now = T0;
        long backOff = SpinGuard.MinBackOffTicks;
        guard.Preempted(now);
        for (int i = 0; i < 8; i++)
        {
            now += backOff; // the first moment spinning is allowed again
            Assert.IsTrue(guard.MaySpin(now));
            guard.Preempted(now);
            backOff = Math.Min(SpinGuard.MaxBackOffTicks, 2 * backOff);
            Assert.IsFalse(guard.MaySpin(now + backOff - 1), $"preemption {i + 2}");
            Assert.IsTrue(guard.MaySpin(now + backOff), $"preemption {i + 2}");
        }
    }

    [TestMethod]
    public void A_preemption_long_after_the_last_backs_off_from_the_minimum_again()
    {
        var guard = Idle();
        guard.Preempted(T0);
        guard.Preempted(T0 + SpinGuard.MinBackOffTicks); // doubled
        long later = T0 + SpinGuard.MinBackOffTicks + 10 * SpinGuard.MaxBackOffTicks;
        guard.Preempted(later);
        Assert.IsTrue(guard.MaySpin(later + SpinGuard.MinBackOffTicks));
    }

    [TestMethod]
    public void Nobody_spins_while_more_threads_are_runnable_than_there_are_cores()
    {
        int runnable = Environment.ProcessorCount + 1;
        var guard = new SpinGuard(() => runnable);
        Assert.IsFalse(guard.MaySpin(T0));
        int calls = 0;
        Assert.IsFalse(guard.SpinUntil(() => ++calls > 0));
        Assert.AreEqual(0, calls, "it spun on a crowded machine");
    }

    [TestMethod]
    public void The_count_of_runnable_threads_is_read_again_after_the_sample_period()
    {
        int runnable = Environment.ProcessorCount + 1;
        var guard = new SpinGuard(() => runnable);
        Assert.IsFalse(guard.MaySpin(T0));
        runnable = 1;
        Assert.IsFalse(guard.MaySpin(T0 + SpinGuard.SampleTicks - 1), "read again before the period ended");
        Assert.IsTrue(guard.MaySpin(T0 + SpinGuard.SampleTicks));
    }

    [TestMethod]
    public void An_unknown_count_of_runnable_threads_does_not_stop_spinning()
    {
        Assert.IsTrue(new SpinGuard(() => null).MaySpin(T0));
    }

    [TestMethod]
    [DataRow("0.52 0.58 0.59 3/345 6825\n", 3)]
    [DataRow("11.33 10.66 10.13 12/220 8812", 12)]
    public void The_runnable_threads_are_read_from_the_fourth_field_of_loadavg(string text, int expected)
    {
        Assert.AreEqual(expected, SpinGuard.ParseRunnable(text));
    }

    [TestMethod]
    [DataRow("")]
    [DataRow("0.52 0.58 0.59")]
    [DataRow("0.52 0.58 0.59 x/345 6825")]
    public void Loadavg_text_without_a_runnable_count_gives_none(string text)
    {
        Assert.IsNull(SpinGuard.ParseRunnable(text));
    }

    [TestMethod]
    public void SpinUntil_returns_true_when_the_condition_holds()
    {
        // On a loaded machine a spin may be descheduled (then it rightly gives up): try again with a fresh guard.
        for (int attempt = 0; attempt < 20; attempt++)
        {
            var guard = Idle();
            int calls = 0;
            if (guard.SpinUntil(() => ++calls == 3))
            {
                Assert.AreEqual(3, calls);
                return;
            }

            Assert.IsFalse(guard.MaySpin(Stopwatch.GetTimestamp()), "it gave up without seeing a preemption");
        }

        Assert.Fail("every one of 20 spins was descheduled");
    }

    [TestMethod]
    public void SpinUntil_gives_up_when_the_condition_never_holds()
    {
        var guard = Idle();
        var watch = Stopwatch.StartNew();
        bool arrived = guard.SpinUntil(() => false);
        Assert.IsFalse(arrived);
        Assert.IsTrue(watch.ElapsedTicks >= SpinGuard.SpinTicks || !guard.MaySpin(Stopwatch.GetTimestamp()),
            "it gave up before its spin time without seeing a preemption");
    }

    [TestMethod]
    public void A_gap_inside_the_spin_counts_as_a_preemption_and_stops_the_next_spins()
    {
        var guard = Idle();
        Assert.IsFalse(guard.SpinUntil(() =>
        {
            Thread.Sleep(2); // descheduled for far longer than PreemptedTicks
            return false;
        }));
        Assert.IsFalse(guard.MaySpin(Stopwatch.GetTimestamp()));
        int calls = 0;
        Assert.IsFalse(guard.SpinUntil(() => ++calls > 0));
        Assert.AreEqual(0, calls, "it spun while backing off");
    }
}
