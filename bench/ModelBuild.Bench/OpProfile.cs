using System.Diagnostics;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;

namespace ModelBuild.Bench;

/// <summary>
/// `--profile`: FloatExecutor time per op kind and per layer (time between consecutive tensor observations), the
/// minimum of each layer over many runs, so that a loaded machine's preemptions mostly drop out.
/// </summary>
internal static class OpProfile
{
    private const int Runs = 30;

    public static void Print(FloatExecutor exec, float[] input, int top)
    {
        var producers = exec.Graph.Producers();
        var observer = new TimingObserver();
        for (int i = 0; i < Runs; i++)
        {
            observer.Restart();
            exec.Run(new Dictionary<Tensor, float[]> { [exec.Graph.Inputs[0]] = input }, 1, observer);
        }

        var layers = observer.Min.Where(p => producers.ContainsKey(p.Key)).Select(p => (Node: producers[p.Key], Ms: p.Value)).ToList();
        Console.WriteLine($"    per op kind (sum of each layer's minimum over {Runs} runs; total {layers.Sum(l => l.Ms):F2} ms)");
        foreach (var g in layers.GroupBy(l => Kind(l.Node)).OrderByDescending(g => g.Sum(l => l.Ms)))
            Console.WriteLine($"    {g.Key,-22} {g.Sum(l => l.Ms),8:F2} ms  {g.Count(),3} layers");
        Console.WriteLine("    slowest layers (minimum ms, GFLOP/s)");
        foreach (var (node, ms) in layers.OrderByDescending(l => l.Ms).Take(top))
        {
            double flops = Flops(node);
            Console.WriteLine($"    {Describe(node),-44} {ms,8:F3} ms {(flops > 0 ? $"{flops / ms / 1e6,7:F1}" : "")}");
        }
    }

    private static string Kind(Node n) =>
        n.Op + (n.Op == OpType.Conv2D && n.Inputs[1]!.Shape is [_, 1, 1, _] ? " 1x1" : "");

    private static string Describe(Node n)
    {
        var x = n.Inputs[0]!.Shape;
        var y = n.Outputs[0].Shape;
        return n.Op switch
        {
            OpType.Conv2D or OpType.DepthwiseConv2D => $"{Kind(n)} {n.Inputs[1]!.Shape[1]}x{n.Inputs[1]!.Shape[2]} {x[^1]}->{y[^1]} {x[1]}->{y[1]}",
            _ => $"{n.Op} [{string.Join(",", y)}]",
        };
    }

    private static double Flops(Node n) => n.Op switch
    {
        OpType.Conv2D => 2.0 * n.Outputs[0].ElementCount * n.Inputs[1]!.Shape[1] * n.Inputs[1]!.Shape[2] * n.Inputs[1]!.Shape[3],
        OpType.DepthwiseConv2D => 2.0 * n.Outputs[0].ElementCount * n.Inputs[1]!.Shape[1] * n.Inputs[1]!.Shape[2],
        _ => 0,
    };

    private sealed class TimingObserver : ITensorObserver
    {
        private readonly Stopwatch _clock = new();

        public Dictionary<Tensor, double> Min { get; } = new(ReferenceEqualityComparer.Instance);

        public void Restart() => _clock.Restart();

        public void Observe(Tensor tensor, ReadOnlySpan<float> values, int batch)
        {
            double ms = _clock.Elapsed.TotalMilliseconds;
            Min[tensor] = Math.Min(Min.GetValueOrDefault(tensor, double.MaxValue), ms);
            _clock.Restart();
        }
    }
}
