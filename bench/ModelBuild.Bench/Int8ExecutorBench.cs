using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.TfLite;
using ModelBuild.TestSupport;

namespace ModelBuild.Bench;

/// <summary>
/// Measurement 2 (`int8`): Int8Executor against TFLite 2.9's builtin int8 kernels on the same int8 model — our
/// quantizer's output written as .tflite, read back by our reader for the Int8Executor and loaded by TFLite — same
/// int8 input, same thread count. The outputs must be bit-identical.
/// </summary>
internal static class Int8ExecutorBench
{
    public static int Run(BenchArguments a)
    {
        var models = a.List("models", "resnet101", "mobilenetv2");
        int runs = a.Int("runs", 10), threads = Environment.ProcessorCount;
        BenchEnvironment.PrintHeader($"int8: Int8Executor vs TFLite {TfLiteRuntime.Version} builtin int8 kernels on the same int8 .tflite, batch 1, {threads} threads each, median of {runs} interleaved runs");
        foreach (var name in models)
        {
            var (graph, flops) = BenchModels.ByName(name);
            var calibration = Enumerable.Range(0, 4).Select(i => BenchInputs.Uniform(graph.Inputs[0].ElementCount, 10 + i));
            var int8 = Quantizer.Quantize(graph, Calibrator.Calibrate(graph, calibration, new RecordingBuildLog()));
            var bytes = TfLiteWriter.Write(int8);
            var model = TfLiteReader.Read(bytes, name);
            var exec = new Int8Executor(model);
            using var builtin = TfLiteRuntime.Load(bytes, new TfLiteInterpreterOptions(threads, UseXnnPack: false));
            var input = Quantize(BenchInputs.Uniform(graph.Inputs[0].ElementCount, 1), model.Inputs[0].Quant!.Scale[0], model.Inputs[0].Quant!.ZeroPoint[0]);

            Console.WriteLine($"{name}: {flops / 1e9:F2} GOP/image (multiply-adds × 2), {model.Nodes.Count} ops, int8 .tflite {bytes.Length / 1048576.0:F1} MiB, load {BenchEnvironment.LoadAverage}");
            sbyte[] ours = [], theirs = [];
            var timings = Contenders.Measure(
            [
                new Contender("Int8Executor", () => ours = exec.Run(input)),
                new Contender("TFLite builtin", () => theirs = builtin.RunInt8(input)),
            ], runs);
            foreach (var t in timings)
                Console.WriteLine($"  {t.Name,-15} {t.MedianMs,8:F1} ms/image (min {t.MinMs,7:F1}), {flops / t.MedianMs / 1e6,6:F1} GOP/s, CPU {t.MedianCpuMs,7:F1} ms");
            int differ = ours.Zip(theirs).Count(p => p.First != p.Second);
            Console.WriteLine($"  ratio Int8Executor/TFLite time {timings[0].MedianMs / timings[1].MedianMs:F2}; outputs {(differ == 0 ? "bit-identical" : $"DIFFER in {differ} of {ours.Length} values")}");
        }

        Console.WriteLine($"load average at the end {BenchEnvironment.LoadAverage}");
        return 0;
    }

    private static sbyte[] Quantize(float[] x, float scale, long zeroPoint) =>
        x.Select(v => (sbyte)Math.Clamp(Math.Round(v / scale) + zeroPoint, -128, 127)).ToArray();
}
