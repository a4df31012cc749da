using System.Diagnostics;

namespace ModelBuild.Bench;

/// <summary>One implementation under test: a name and one inference.</summary>
internal sealed record Contender(string Name, Action Run);

/// <summary>Median wall time and CPU time per run of one contender.</summary>
internal sealed record Timing(string Name, double MedianMs, double MinMs, double MedianCpuMs);

/// <summary>
/// Times contenders interleaved round by round (each run once per round) after warm-up runs, so a machine that gets
/// busier during the measurement slows them alike; reports medians. Each timed run starts <see cref="SettleMs"/> after
/// the previous one ended: TFLite's worker threads (XNNPACK's pthreadpool, the builtin kernels' pool) spin for a while
/// after an inference, and a run started at once would share the cores with them.
/// </summary>
internal static class Contenders
{
    public const int SettleMs = 20;

    public static IReadOnlyList<Timing> Measure(IReadOnlyList<Contender> contenders, int runs, int warmup = 2)
    {
        for (int i = 0; i < warmup; i++)
            foreach (var c in contenders) c.Run();
        var wall = contenders.Select(_ => new List<double>()).ToList();
        var cpu = contenders.Select(_ => new List<double>()).ToList();
        var process = Process.GetCurrentProcess();
        for (int round = 0; round < runs; round++)
            for (int i = 0; i < contenders.Count; i++)
            {
                Thread.Sleep(SettleMs);
                process.Refresh();
                var cpu0 = process.TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                contenders[i].Run();
                wall[i].Add(clock.Elapsed.TotalMilliseconds);
                process.Refresh();
                cpu[i].Add((process.TotalProcessorTime - cpu0).TotalMilliseconds);
            }

        return contenders.Select((c, i) => new Timing(c.Name, Stats.Median(wall[i]), wall[i].Min(), Stats.Median(cpu[i]))).ToList();
    }
}
