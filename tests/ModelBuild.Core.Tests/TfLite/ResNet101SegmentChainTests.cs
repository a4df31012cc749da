using System.Diagnostics;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.Segmentation;
using ModelBuild.Core.TfLite;
using ModelBuild.Core.Tests.Segmentation;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.TfLite;

/// <summary>
/// ResNet101 (keras.applications names and shapes, random He-scaled weights), planned at 7 MiB, quantized once,
/// sliced into the plan's K segments and written: TFLite 2.9 runs every segment, the tail from
/// <c>conv4_block4_out</c> takes int8 1×14×14×1024, and seg1 → … → segK equals the unsegmented int8 model exactly.
/// </summary>
[TestClass]
public sealed class ResNet101SegmentChainTests
{
    [TestMethod]
    public void Resnet101_segments_at_7_MiB_chain_exactly_in_tflite()
    {
        var clock = Stopwatch.StartNew();
        var floatGraph = WithRandomWeights(ResNetGraphBuilder.ResNet101(), seed: 1);
        var plan = BudgetPlanner.Plan(floatGraph, 7);
        Assert.AreEqual(7, plan.K);

        var r = new Random(2);
        var sample = Enumerable.Range(0, 224 * 224 * 3).Select(_ => (float)r.NextDouble()).ToArray();
        var int8 = Quantizer.Quantize(floatGraph, Calibrator.Calibrate(floatGraph, [sample], new Diagnostics.RecordingBuildLog()));
        Console.WriteLine($"calibrated and quantized in {clock.Elapsed.TotalSeconds:F1} s");

        var segments = plan.Segments.Select(s => TfLiteWriter.Write(GraphSlicer.Slice(int8, s.FromTensor, s.ToTensor))).ToList();
        var tail = TfLiteWriter.Write(GraphSlicer.Slice(int8, "conv4_block4_out", null));
        var full = TfLiteWriter.Write(int8);
        foreach (var (bytes, i) in segments.Select((b, i) => (b, i)))
            Console.WriteLine($"seg{i + 1}: {bytes.Length / 1048576.0:F2} MiB ({plan.Segments[i].FromTensor ?? "input"} → {plan.Segments[i].ToTensor ?? "output"})");

        var inQ = int8.Inputs[0].Quant!;
        var x = sample.Select(v => (sbyte)Math.Clamp(Math.Round(v / inQ.Scale[0]) + inQ.ZeroPoint[0], -128, 127)).ToArray();
        sbyte[] expected;
        using (var model = TfLiteRuntime.Load(full)) expected = model.RunInt8(x);

        var y = x;
        sbyte[]? afterSeg1 = null;
        foreach (var bytes in segments)
        {
            using var seg = TfLiteRuntime.Load(bytes);
            y = seg.RunInt8(y);
            afterSeg1 ??= y;
        }

        CollectionAssert.AreEqual(expected, y, "seg1 → … → seg7 vs the unsegmented int8 model");

        using var tailModel = TfLiteRuntime.Load(tail);
        var tailInput = tailModel.Inputs.Single();
        Assert.AreEqual(TfLiteTensorType.Int8, tailInput.Type);
        CollectionAssert.AreEqual(new[] { 1, 14, 14, 1024 }, tailInput.Shape);
        CollectionAssert.AreEqual(expected, tailModel.RunInt8(afterSeg1!), "seg1 + tail (k = 2 combo)");
        Console.WriteLine($"total {clock.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>He-uniform kernels (the residual branch's last conv scaled down, as BatchNorm would keep it), small biases.</summary>
    private static ModelGraph WithRandomWeights(ModelGraph g, int seed)
    {
        var r = new Random(seed);
        foreach (var n in g.Nodes.Where(n => n.Op is OpType.Conv2D or OpType.FullyConnected))
        {
            var w = n.Inputs[1]!;
            int fanIn = (int)(w.ElementCount / w.Shape[0]);
            float limit = MathF.Sqrt(6f / fanIn) * (n.Name.EndsWith("_3_bn", StringComparison.Ordinal) ? 0.2f : 1f);
            var data = (float[])w.Data!;
            for (int i = 0; i < data.Length; i++) data[i] = (float)(r.NextDouble() * 2 - 1) * limit;
            if (n.Inputs[2]?.Data is float[] bias)
                for (int i = 0; i < bias.Length; i++) bias[i] = (float)(r.NextDouble() * 2 - 1) * 0.02f;
        }

        return g;
    }
}
