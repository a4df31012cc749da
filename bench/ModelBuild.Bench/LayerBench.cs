using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.TfLite;
using ModelBuild.TestSupport;

namespace ModelBuild.Bench;

/// <summary>
/// `layers`: the typical layers of ResNet101 and MobileNetV2, each as a one-op float model, FloatExecutor against
/// TFLite XNNPACK (same thread count). Shows which kernel falls behind, for the kernel work.
/// </summary>
internal static class LayerBench
{
    private sealed record Layer(string Name, int[] Input, Func<BenchGraphBuilder, Tensor, Tensor> Op);

    private static readonly Layer[] Layers =
    [
        new("conv1 7x7/2 3->64 @230", [1, 230, 230, 3], (b, x) => b.Conv(x, 64, 7, 2, Padding.Valid)),
        new("1x1 64->64 @56", [1, 56, 56, 64], (b, x) => b.Conv(x, 64, 1, 1)),
        new("3x3 64->64 @56", [1, 56, 56, 64], (b, x) => b.Conv(x, 64, 3, 1)),
        new("1x1 64->256 @56", [1, 56, 56, 64], (b, x) => b.Conv(x, 256, 1, 1, act: FusedActivation.None)),
        new("1x1 256->64 @56", [1, 56, 56, 256], (b, x) => b.Conv(x, 64, 1, 1)),
        new("1x1/2 256->128 @56", [1, 56, 56, 256], (b, x) => b.Conv(x, 128, 1, 2)),
        new("3x3 128->128 @28", [1, 28, 28, 128], (b, x) => b.Conv(x, 128, 3, 1)),
        new("1x1 128->512 @28", [1, 28, 28, 128], (b, x) => b.Conv(x, 512, 1, 1, act: FusedActivation.None)),
        new("1x1 512->128 @28", [1, 28, 28, 512], (b, x) => b.Conv(x, 128, 1, 1)),
        new("3x3 256->256 @14", [1, 14, 14, 256], (b, x) => b.Conv(x, 256, 3, 1)),
        new("1x1 256->1024 @14", [1, 14, 14, 256], (b, x) => b.Conv(x, 1024, 1, 1, act: FusedActivation.None)),
        new("1x1 1024->256 @14", [1, 14, 14, 1024], (b, x) => b.Conv(x, 256, 1, 1)),
        new("3x3 512->512 @7", [1, 7, 7, 512], (b, x) => b.Conv(x, 512, 3, 1)),
        new("1x1 512->2048 @7", [1, 7, 7, 512], (b, x) => b.Conv(x, 2048, 1, 1, act: FusedActivation.None)),
        new("1x1 2048->512 @7", [1, 7, 7, 2048], (b, x) => b.Conv(x, 512, 1, 1)),
        new("add+relu 14x14x1024", [1, 14, 14, 1024], (b, x) => b.Add(x, x, FusedActivation.Relu)),
        new("dw 3x3 96 @112/2", [1, 112, 112, 96], (b, x) => b.Depthwise(x, 3, 2)),
        new("dw 3x3 144 @56", [1, 56, 56, 144], (b, x) => b.Depthwise(x, 3, 1)),
        new("dw 3x3 576 @14", [1, 14, 14, 576], (b, x) => b.Depthwise(x, 3, 1)),
        new("mnv2 3x3/2 3->32 @224", [1, 224, 224, 3], (b, x) => b.Conv(x, 32, 3, 2, act: FusedActivation.Relu6)),
        new("mnv2 dw 3x3 32 @112", [1, 112, 112, 32], (b, x) => b.Depthwise(x, 3, 1)),
        new("mnv2 1x1 32->16 @112", [1, 112, 112, 32], (b, x) => b.Conv(x, 16, 1, 1, act: FusedActivation.None)),
        new("mnv2 1x1 16->96 @112", [1, 112, 112, 16], (b, x) => b.Conv(x, 96, 1, 1, act: FusedActivation.Relu6)),
        new("mnv2 1x1 24->144 @56", [1, 56, 56, 24], (b, x) => b.Conv(x, 144, 1, 1, act: FusedActivation.Relu6)),
        new("mnv2 1x1 144->24 @56", [1, 56, 56, 144], (b, x) => b.Conv(x, 24, 1, 1, act: FusedActivation.None)),
        new("mnv2 1x1 32->192 @28", [1, 28, 28, 32], (b, x) => b.Conv(x, 192, 1, 1, act: FusedActivation.Relu6)),
        new("mnv2 dw 3x3 192 @28", [1, 28, 28, 192], (b, x) => b.Depthwise(x, 3, 1)),
        new("mnv2 1x1 192->32 @28", [1, 28, 28, 192], (b, x) => b.Conv(x, 32, 1, 1, act: FusedActivation.None)),
        new("mnv2 1x1 64->384 @14", [1, 14, 14, 64], (b, x) => b.Conv(x, 384, 1, 1, act: FusedActivation.Relu6)),
        new("mnv2 1x1 384->64 @14", [1, 14, 14, 384], (b, x) => b.Conv(x, 64, 1, 1, act: FusedActivation.None)),
        new("mnv2 1x1 960->160 @7", [1, 7, 7, 960], (b, x) => b.Conv(x, 160, 1, 1, act: FusedActivation.None)),
        new("mnv2 1x1 160->960 @7", [1, 7, 7, 160], (b, x) => b.Conv(x, 960, 1, 1, act: FusedActivation.Relu6)),
        new("mnv2 1x1 320->1280 @7", [1, 7, 7, 320], (b, x) => b.Conv(x, 1280, 1, 1, act: FusedActivation.Relu6)),
        new("mnv2 fc 1280->1000", [1, 1280], (b, x) => b.Dense(x, 1000)),
    ];

    public static int Run(BenchArguments a)
    {
        int runs = a.Int("runs", 20);
        var filter = a.List("only");
        BenchEnvironment.PrintHeader("layers: one-op float models, FloatExecutor vs TFLite XNNPACK, batch 1, " + Environment.ProcessorCount + " threads each");
        Console.WriteLine($"{"layer",-26} {"MFLOP",8} {"ours ms",9} {"XNN ms",9} {"ours GF/s",10} {"XNN GF/s",9} {"ours/XNN",9} {"CPU ours",9} {"CPU XNN",9} {"CPU o/X",8}");
        double ours = 0, xnn = 0, oursCpu = 0, xnnCpu = 0;
        foreach (var layer in Layers.Where(l => filter.Count == 0 || filter.Any(f => l.Name.Contains(f, StringComparison.OrdinalIgnoreCase))))
        {
            var b = new BenchGraphBuilder("layer", layer.Input);
            var graph = b.Build(layer.Op(b, b.Input));
            var input = BenchInputs.Uniform(graph.Inputs[0].ElementCount, 1);
            var exec = new FloatExecutor(graph);
            using var interpreter = TfLiteRuntime.Load(TfLiteWriter.Write(graph), new TfLiteInterpreterOptions(Environment.ProcessorCount, UseXnnPack: true));
            var t = Contenders.Measure([new Contender("ours", () => exec.Run(input)), new Contender("xnnpack", () => interpreter.RunFloat(input))], runs);
            double flops = Math.Max(b.Flops, graph.Outputs[0].ElementCount);
            ours += t[0].MedianMs;
            xnn += t[1].MedianMs;
            oursCpu += t[0].MedianCpuMs;
            xnnCpu += t[1].MedianCpuMs;
            Console.WriteLine($"{layer.Name,-26} {flops / 1e6,8:F1} {t[0].MedianMs,9:F3} {t[1].MedianMs,9:F3} {flops / t[0].MedianMs / 1e6,10:F1} {flops / t[1].MedianMs / 1e6,9:F1} {t[0].MedianMs / t[1].MedianMs,9:F2} {t[0].MedianCpuMs,9:F3} {t[1].MedianCpuMs,9:F3} {t[0].MedianCpuMs / t[1].MedianCpuMs,8:F2}");
        }

        Console.WriteLine($"{"sum",-26} {"",8} {ours,9:F3} {xnn,9:F3} {"",10} {"",9} {ours / xnn,9:F2} {oursCpu,9:F3} {xnnCpu,9:F3} {oursCpu / xnnCpu,8:F2}");
        Console.WriteLine($"load average at the end {BenchEnvironment.LoadAverage}");
        return 0;
    }
}
