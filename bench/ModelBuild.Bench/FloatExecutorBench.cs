using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.TfLite;
using ModelBuild.TestSupport;

namespace ModelBuild.Bench;

/// <summary>
/// Measurement 1 (`float`): FloatExecutor against TFLite 2.9 on the same float model — the graph emitted as a float
/// .tflite by our writer — with the same input and the same thread count, XNNPACK and TFLite's builtin kernels.
/// </summary>
internal static class FloatExecutorBench
{
    public static int Run(BenchArguments a)
    {
        var models = a.List("models", "resnet101", "mobilenetv2");
        int runs = a.Int("runs", 10), batch = a.Int("batch", 4), threads = Environment.ProcessorCount;
        BenchEnvironment.PrintHeader($"float: FloatExecutor vs TFLite {TfLiteRuntime.Version} on the same float .tflite, batch 1, {threads} threads each, median of {runs} interleaved runs");
        foreach (var name in models)
        {
            var (graph, flops) = BenchModels.ByName(name);
            var exec = new FloatExecutor(graph);
            var input = BenchInputs.Uniform(graph.Inputs[0].ElementCount, 1);
            var bytes = TfLiteWriter.Write(graph);
            using var xnn = TfLiteRuntime.Load(bytes, new TfLiteInterpreterOptions(threads, UseXnnPack: true));
            using var builtin = TfLiteRuntime.Load(bytes, new TfLiteInterpreterOptions(threads, UseXnnPack: false));
            var logitsOurs = Logits(exec, input);

            Console.WriteLine($"{name}: {flops / 1e9:F2} GFLOP/image, {graph.Nodes.Count} ops, float .tflite {bytes.Length / 1048576.0:F1} MiB, load {BenchEnvironment.LoadAverage}");
            float[] oursOut = [], xnnOut = [], builtinOut = [];
            var timings = Contenders.Measure(
            [
                new Contender("FloatExecutor", () => oursOut = exec.Run(input)),
                new Contender("TFLite XNNPACK", () => xnnOut = xnn.RunFloat(input)),
                new Contender("TFLite builtin", () => builtinOut = builtin.RunFloat(input)),
            ], runs);
            foreach (var t in timings)
                Console.WriteLine($"  {t.Name,-15} {t.MedianMs,8:F1} ms/image (min {t.MinMs,7:F1}), {flops / t.MedianMs / 1e6,6:F1} GFLOP/s, CPU {t.MedianCpuMs,7:F1} ms");
            Console.WriteLine($"  ratio FloatExecutor/XNNPACK time {timings[0].MedianMs / timings[1].MedianMs:F2} (target ≤ 0.90), FloatExecutor/builtin {timings[0].MedianMs / timings[2].MedianMs:F2}");
            Console.WriteLine($"  same answer: max |diff| of the outputs vs XNNPACK {MaxDiff(oursOut, xnnOut):G2}, vs builtin {MaxDiff(oursOut, builtinOut):G2}; " +
                              $"argmax {ArgMax(oursOut)} / {ArgMax(xnnOut)} / {ArgMax(builtinOut)}; logits range {logitsOurs.Min():G3}..{logitsOurs.Max():G3}");

            if (batch > 1)
            {
                var inputs = Enumerable.Repeat(input, batch).SelectMany(x => x).ToArray();
                var tb = Contenders.Measure([new Contender("batch", () => exec.Run(inputs, batch))], Math.Max(3, runs / 2), warmup: 1);
                Console.WriteLine($"  FloatExecutor batch {batch} (as calibration runs it): {tb[0].MedianMs / batch:F1} ms/image, {flops * batch / tb[0].MedianMs / 1e6:F1} GFLOP/s");
            }

            if (a.Flag("profile")) OpProfile.Print(exec, input, a.Int("top", 15));
        }

        Console.WriteLine($"load average at the end {BenchEnvironment.LoadAverage}");
        return 0;
    }

    /// <summary>The values fed to the final softmax (its probabilities of random weights are nearly one-hot, so they hide differences).</summary>
    private static float[] Logits(FloatExecutor exec, float[] input)
    {
        var graph = exec.Graph;
        var softmax = graph.Nodes.LastOrDefault(n => n.Op == OpType.Softmax);
        if (softmax is null) return exec.Run(input);
        var recorder = new Recorder(softmax.Inputs[0]!);
        exec.Run(new Dictionary<Tensor, float[]> { [graph.Inputs[0]] = input }, 1, recorder);
        return recorder.Values;
    }

    private static float MaxDiff(float[] a, float[] b) => a.Length == b.Length && a.Length > 0 ? a.Zip(b, (x, y) => Math.Abs(x - y)).Max() : float.NaN;

    private static int ArgMax(float[] a) => a.Length == 0 ? -1 : Array.IndexOf(a, a.Max());

    private sealed class Recorder(Tensor wanted) : ITensorObserver
    {
        public float[] Values { get; private set; } = [];

        public void Observe(Tensor tensor, ReadOnlySpan<float> values, int batch)
        {
            if (ReferenceEquals(tensor, wanted)) Values = values.ToArray();
        }
    }
}
