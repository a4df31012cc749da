using ModelBuild.Core.Graph;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.Slicing;
using ModelBuild.Core.Tests.Execution;
using ModelBuild.Core.Tests.TfLite;
using ModelBuild.Core.TfLite;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.TfLite.TfLiteTestModels;

namespace ModelBuild.Core.Tests.Slicing;

/// <summary>Slices of a residual graph: valid cuts load and chain in the real TFLite runtime; invalid ones fail clearly.</summary>
[TestClass]
public sealed class GraphSlicerTests
{
    [TestMethod]
    public void Float_head_and_tail_chain_to_the_full_models_output_in_tflite()
    {
        var g = ResidualTestGraphs.ResidualBlock();
        var head = GraphSlicer.Slice(g, null, "block1_out");
        var tail = GraphSlicer.Slice(g, "block1_out", null);
        CollectionAssert.AreEqual(new[] { "stem", "block1_conv", "block1_out" }, head.Nodes.Select(n => n.Name).ToArray());
        Assert.AreEqual("block1_out", tail.Inputs.Single().Name);
        CollectionAssert.AreEqual(new[] { 1, 8, 8, 8 }, tail.Inputs[0].Shape);

        var x = RandomFloats(new Random(2), 8 * 8 * 3);
        var full = TfLiteInterpreter.AsFloat(RunInTfLite(g, x)[0]);
        var mid = TfLiteInterpreter.AsFloat(RunInTfLite(head, x)[0]);
        var chained = TfLiteInterpreter.AsFloat(RunInTfLite(tail, mid)[0]);
        CollectionAssert.AreEqual(full, chained);
    }

    [TestMethod]
    public void Int8_segments_chain_bit_exactly_and_the_tail_starts_at_the_int8_cut_tensor()
    {
        var floatGraph = ResidualTestGraphs.ResidualBlock();
        var int8 = Quantizer.Quantize(floatGraph, Int8TestHelpers.CalibrateRandom(floatGraph, 8, seed: 3));
        var cut = int8.FindTensor("block1_out");
        var seg1 = GraphSlicer.Slice(int8, null, "block1_out");
        var seg2 = GraphSlicer.Slice(int8, "block1_out", "block2_out");
        var seg3 = GraphSlicer.Slice(int8, "block2_out", null);

        using var tail = TfLiteRuntime.Load(TfLiteWriter.Write(GraphSlicer.Slice(int8, "block1_out", null)));
        var tailInput = tail.Inputs.Single();
        Assert.AreEqual(TfLiteTensorType.Int8, tailInput.Type);
        CollectionAssert.AreEqual(new[] { 1, 8, 8, 8 }, tailInput.Shape);
        Assert.AreEqual(cut.Quant!.Scale[0], tailInput.Scale);
        Assert.AreEqual(cut.Quant!.ZeroPoint[0], tailInput.ZeroPoint);

        var r = new Random(4);
        for (int trial = 0; trial < 3; trial++)
        {
            var x = RandomInt8(r, 8 * 8 * 3);
            var full = TfLiteInterpreter.AsInt8(RunInTfLite(int8, x)[0]);
            var a = RunInTfLite(seg1, x)[0];
            var b = RunInTfLite(seg2, a)[0];
            var chained = TfLiteInterpreter.AsInt8(RunInTfLite(seg3, b)[0]);
            CollectionAssert.AreEqual(full, chained, $"trial {trial}");
            var viaTail = TfLiteInterpreter.AsInt8(tail.Run(a)[0]);
            CollectionAssert.AreEqual(full, viaTail, $"trial {trial}: seg1 + tail");
        }
    }

    [TestMethod]
    public void A_tensor_inside_a_residual_block_is_not_a_cut()
    {
        var g = ResidualTestGraphs.ResidualBlock();
        var ex = Assert.ThrowsExactly<ArgumentException>(() => GraphSlicer.Slice(g, "block1_conv", null));
        StringAssert.Contains(ex.Message, "'block1_conv' is not a single-tensor cut");
        StringAssert.Contains(ex.Message, "'stem'");
    }

    [TestMethod]
    public void Unknown_empty_and_constant_ranges_are_refused()
    {
        var g = ResidualTestGraphs.ResidualBlock();
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => GraphSlicer.Slice(g, "nope", null)).Message, "no tensor named 'nope'");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => GraphSlicer.Slice(g, "block1_out", "block1_out")).Message, "contains no op");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => GraphSlicer.Slice(g, "stem/weights", null)).Message, "is a constant");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => GraphSlicer.Slice(g, "block2_out", "block1_out")).Message, "'block2_out' is not a single-tensor cut before 'block1_out'");
    }

    [TestMethod]
    public void Slicing_copies_and_leaves_the_original_graph_untouched()
    {
        var g = ResidualTestGraphs.ResidualBlock();
        var before = TfLiteWriter.Write(g);
        var tail = GraphSlicer.Slice(g, "block1_out", null);
        tail.Inputs[0].Shape[1] = 99;
        tail.Inputs[0].Name = "renamed";
        var w = tail.Nodes[0].Inputs[1]!;
        w.FloatData[0] = 1234f;
        tail.Nodes.Clear();

        Assert.HasCount(8, g.Nodes);
        Assert.AreEqual(8, g.FindTensor("block1_out").Shape[1]);
        Assert.AreNotEqual(1234f, g.FindTensor("block2_conv/weights").FloatData[0]);
        CollectionAssert.AreEqual(before, TfLiteWriter.Write(g));
    }

    /// <summary>The slice TensorFlow's Python converter could not make: a tail that starts at an int8 1×14×14×1024 feature map.</summary>
    [TestMethod]
    public void Tail_from_conv4_block4_out_takes_int8_1x14x14x1024_and_chains_exactly_in_tflite()
    {
        var floatGraph = ResNetTailTestGraphs.ResNetTail();
        var r = new Random(5);
        var samples = Enumerable.Range(0, 2).Select(_ => Enumerable.Range(0, 56 * 56 * 3).Select(_ => (float)r.NextDouble()).ToArray()).ToList();
        var int8 = Quantizer.Quantize(floatGraph, Calibrator.Calibrate(floatGraph, samples, new Diagnostics.RecordingBuildLog()));

        var seg1 = GraphSlicer.Slice(int8, null, "conv4_block4_out");
        var tail = GraphSlicer.Slice(int8, "conv4_block4_out", null);
        var cut = int8.FindTensor("conv4_block4_out").Quant!;

        using var full = TfLiteRuntime.Load(TfLiteWriter.Write(int8));
        using var head = TfLiteRuntime.Load(TfLiteWriter.Write(seg1));
        using var rest = TfLiteRuntime.Load(TfLiteWriter.Write(tail));
        var tailInput = rest.Inputs.Single();
        Assert.AreEqual("conv4_block4_out", tailInput.Name);
        Assert.AreEqual(TfLiteTensorType.Int8, tailInput.Type);
        CollectionAssert.AreEqual(new[] { 1, 14, 14, 1024 }, tailInput.Shape);
        Assert.AreEqual(cut.Scale[0], tailInput.Scale);
        Assert.AreEqual(cut.ZeroPoint[0], tailInput.ZeroPoint);
        Assert.AreEqual(head.Outputs[0].Scale, tailInput.Scale, "seg1's output parameters are the tail's input parameters");
        CollectionAssert.AreEqual(new[] { 1, 1000 }, rest.Outputs[0].Shape);

        var inQ = int8.Inputs[0].Quant!;
        for (int trial = 0; trial < 2; trial++)
        {
            var x = samples[trial].Select(v => (sbyte)Math.Clamp(Math.Round(v / inQ.Scale[0]) + inQ.ZeroPoint[0], -128, 127)).ToArray();
            var expected = full.RunInt8(x);
            var chained = rest.RunInt8(head.RunInt8(x));
            CollectionAssert.AreEqual(expected, chained, $"trial {trial}: seg1 → tail vs the unsegmented int8 model");
            Assert.IsGreaterThan(1, expected.Distinct().Count(), "a non-trivial output");
        }
    }
}
