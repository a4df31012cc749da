using System.Diagnostics;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;

namespace ModelBuild.Bench;

/// <summary>`--profile`: FloatExecutor time per op kind (time between consecutive tensor observations).</summary>
internal static class OpProfile
{
    public static void Print(FloatExecutor exec, float[] input)
    {
        var producers = exec.Graph.Producers();
        var observer = new TimingObserver(t => producers.TryGetValue(t, out var n) ? Kind(n) : "input");
        for (int i = 0; i < 3; i++)
        {
            observer.Reset();
            exec.Run(new Dictionary<Tensor, float[]> { [exec.Graph.Inputs[0]] = input }, 1, observer);
        }

        foreach (var (op, ms) in observer.ByOp.OrderByDescending(p => p.Value))
            Console.WriteLine($"    {op,-22} {ms,8:F2} ms");
    }

    private static string Kind(Node n) =>
        n.Op + (n.Op == OpType.Conv2D && n.Inputs[1]!.Shape is [_, 1, 1, _] ? " 1x1" : "");

    private sealed class TimingObserver(Func<Tensor, string> classify) : ITensorObserver
    {
        private readonly Stopwatch _clock = new();

        public Dictionary<string, double> ByOp { get; } = [];

        public void Reset()
        {
            ByOp.Clear();
            _clock.Restart();
        }

        public void Observe(Tensor tensor, ReadOnlySpan<float> values, int batch)
        {
            var key = classify(tensor);
            ByOp[key] = ByOp.GetValueOrDefault(key) + _clock.Elapsed.TotalMilliseconds;
            _clock.Restart();
        }
    }
}
