using System.Diagnostics;
using System.Runtime.Intrinsics.X86;
using ModelBuild.Bench;
using ModelBuild.Core.Execution;
using ModelBuild.Core.TfLite;
using ModelBuild.TestSupport;

// Usage: dotnet run -c Release --project bench/ModelBuild.Bench -- [models...] [--runs N] [--batch B] [--no-tflite] [--profile]
var models = args.Where(a => !a.StartsWith("--") && !int.TryParse(a, out _)).ToList();
if (models.Count == 0) models = ["resnet50", "resnet101", "mobilenetv2"];
int runs = Option("--runs", 10), batch = Option("--batch", 8);
bool tflite = !args.Contains("--no-tflite"), profile = args.Contains("--profile");

Console.WriteLine($"machine: {Environment.ProcessorCount} logical cores, {CpuName()}, AVX2={Avx2.IsSupported} FMA={Fma.IsSupported}, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
Console.WriteLine($"runs per measurement: {runs} (median; contenders interleaved round by round), after 2 warm-up runs; threads: {Environment.ProcessorCount} (TFLite num_threads and .NET Parallel.For); load average now {LoadAverage()}");
foreach (var name in models)
{
    var (graph, flops) = BenchModels.ByName(name);
    var exec = new FloatExecutor(graph);
    var input = new float[graph.Inputs[0].ElementCount];
    var r = new Random(1);
    for (int i = 0; i < input.Length; i++) input[i] = (float)r.NextDouble();

    Console.WriteLine($"{name}: {flops / 1e9:F2} GFLOP/image, {graph.Nodes.Count} nodes");
    // Contenders run interleaved, round by round, so a busy machine slows them alike; medians per contender.
    var contenders = new List<(string Name, Func<float[]> Run, IDisposable? Owner)> { ("FloatExecutor", () => exec.Run(input), null) };
    if (tflite)
    {
        var bytes = TfLiteWriter.Write(graph);
        foreach (var xnn in new[] { true, false })
        {
            var interpreter = TfLiteRuntime.Load(bytes, new TfLiteInterpreterOptions(Environment.ProcessorCount, xnn));
            contenders.Add(($"TFLite {TfLiteRuntime.Version} {(xnn ? "XNNPACK" : "builtin")}", () => interpreter.RunFloat(input), interpreter));
        }
    }

    var outputs = contenders.Select(c => c.Run()).ToList();
    foreach (var c in contenders) c.Run();
    var times = contenders.Select(_ => new List<double>()).ToList();
    var cpu = contenders.Select(_ => new List<double>()).ToList();
    var process = Process.GetCurrentProcess();
    for (int round = 0; round < runs; round++)
        for (int i = 0; i < contenders.Count; i++)
        {
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            contenders[i].Run();
            times[i].Add(sw.Elapsed.TotalMilliseconds);
            process.Refresh();
            cpu[i].Add((process.TotalProcessorTime - cpu0).TotalMilliseconds);
        }

    double ours = Median(times[0]);
    for (int i = 0; i < contenders.Count; i++)
    {
        double ms = Median(times[i]);
        var line = $"  {contenders[i].Name,-22} batch 1: {ms,7:F1} ms/image (min {times[i].Min(),7:F1}), {flops / ms / 1e6,5:F1} GFLOP/s, CPU {Median(cpu[i]),7:F1} ms/image";
        if (i > 0)
            line += $"; FloatExecutor/this time ratio {ours / ms:F2}, max |diff| {outputs[0].Zip(outputs[i], (a, b) => Math.Abs(a - b)).Max():G2}";
        Console.WriteLine(line);
        contenders[i].Owner?.Dispose();
    }

    if (batch > 1)
    {
        var inputs = Enumerable.Repeat(input, batch).SelectMany(x => x).ToArray();
        exec.Run(inputs, batch);
        var batchTimes = Enumerable.Range(0, Math.Max(3, runs / 2)).Select(_ => { var sw = Stopwatch.StartNew(); exec.Run(inputs, batch); return sw.Elapsed.TotalMilliseconds / batch; }).ToList();
        double msB = Median(batchTimes);
        Console.WriteLine($"  FloatExecutor batch {batch}: {msB:F1} ms/image, {flops / msB / 1e6:F1} GFLOP/s");
    }

    if (profile) Profile(exec, input);
}

int Option(string flag, int fallback)
{
    int i = Array.IndexOf(args, flag);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;
}

static double Median(List<double> times)
{
    var t = times.Order().ToArray();
    return t.Length % 2 == 1 ? t[t.Length / 2] : (t[t.Length / 2 - 1] + t[t.Length / 2]) / 2;
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

static string CpuName() =>
    File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim() ?? "?" : "?";

static void Profile(FloatExecutor exec, float[] input)
{
    var producers = exec.Graph.Producers();
    var observer = new TimingObserver(t => producers.TryGetValue(t, out var n) ? n.Op.ToString() + (n.Op == ModelBuild.Core.Graph.OpType.Conv2D && n.Inputs[1]!.Shape is [_, 1, 1, _] ? " 1x1" : "") : "input");
    for (int i = 0; i < 3; i++)
    {
        observer.Reset();
        exec.Run(new Dictionary<ModelBuild.Core.Graph.Tensor, float[]> { [exec.Graph.Inputs[0]] = input }, 1, observer);
    }

    foreach (var (op, ms) in observer.ByOp.OrderByDescending(p => p.Value))
        Console.WriteLine($"    {op,-22} {ms,8:F2} ms");
}

/// <summary>Attributes the time between consecutive observations to the op that produced the observed tensor.</summary>
internal sealed class TimingObserver(Func<ModelBuild.Core.Graph.Tensor, string> classify) : ITensorObserver
{
    private readonly Stopwatch _clock = new();

    public Dictionary<string, double> ByOp { get; } = [];

    public void Reset()
    {
        ByOp.Clear();
        _clock.Restart();
    }

    public void Observe(ModelBuild.Core.Graph.Tensor tensor, ReadOnlySpan<float> values, int batch)
    {
        var key = classify(tensor);
        ByOp[key] = ByOp.GetValueOrDefault(key) + _clock.Elapsed.TotalMilliseconds;
        _clock.Restart();
    }
}
