using System.Diagnostics;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.Quantization.Calibration;
using ModelBuild.Core.Slicing;
using ModelBuild.Core.Tests.Execution;
using ModelBuild.Core.Tests.Synthesis;
using ModelBuild.Core.TfLite;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.TfLite;

/// <summary>
/// The ResNet101 .h5 that samples/ResNet101 synthesizes (seed 1, 224×224), read with the KerasModelReader, calibrated
/// on the photos in ../shared/images with keras.applications ResNet's caffe preprocessing, quantized per channel,
/// planned at 7 MiB and sliced. In the real TFLite 2.9 runtime: the tail that starts at <c>conv4_block4_out</c> (the
/// slice TensorFlow's own converter could not produce) loads with an int8 1×14×14×1024 input and runs, and
/// seg1 → seg2 → … → seg7 gives bit for bit the unsegmented int8 model's output (and seg1 → … → seg6 the
/// unsegmented network's <c>conv5_block2_out</c>).
/// </summary>
[TestClass]
public sealed class SynthesizedResNet101SegmentChainTests
{
    private const string TailStart = "conv4_block4_out";
    private const string Photo = "hot_dog.jpg";

    private static CutPlan _plan = null!;
    private static List<(string Name, byte[] Model)> _segments = null!;
    private static byte[] _unsegmented = null!;
    private static byte[] _tail = null!;
    private static byte[] _unsegmentedToLastCut = null!;
    private static sbyte[] _photo = null!;
    private static Lazy<sbyte[]> _unsegmentedOutput = null!;
    private static Lazy<List<sbyte[]>> _chainSteps = null!;

    [ClassInitialize]
    public static void Init(TestContext _)
    {
        var clock = Stopwatch.StartNew();
        var graph = KerasModelReader.Read(SynthesizedResNet101File.FilePath);
        _plan = BudgetPlanner.Plan(graph, 7);

        var shape = graph.Inputs[0].Shape;
        var log = new RecordingBuildLog();
        var images = CalibrationDataLoader.Load(RepoPaths.Images, shape, new CalibrationOptions { Preprocessing = Preprocessing.Caffe, MaxSamples = 4 }, log).ToList();
        Assert.HasCount(4, images, "../shared/images holds four photos");
        var int8 = Quantizer.Quantize(graph, Calibrator.Calibrate(graph, images, log));
        Console.WriteLine($"read, calibrated on {images.Count} photos and quantized in {clock.Elapsed.TotalSeconds:F1} s");

        _segments = _plan.Segments.Select(s => (ComboPlan.SegmentFile(s.Index), TfLiteWriter.Write(GraphSlicer.Slice(int8, s.FromTensor, s.ToTensor)))).ToList();
        _tail = TfLiteWriter.Write(GraphSlicer.Slice(int8, TailStart, null));
        _unsegmented = TfLiteWriter.Write(int8);
        _unsegmentedToLastCut = TfLiteWriter.Write(GraphSlicer.Slice(int8, null, _plan.Cuts[^1].Tensor));

        var photo = ImageSamples.Load(RepoPaths.Image(Photo), shape[1], shape[2], shape[3], Preprocessing.Caffe);
        _photo = Int8TestHelpers.Quantize(photo, int8.Inputs[0].Quant!);
        _unsegmentedOutput = new(() => TfLiteChain.Run([("unsegmented", _unsegmented)], _photo));
        _chainSteps = new(() => TfLiteChain.RunSteps(_segments, _photo));
    }

    [TestMethod]
    public void The_plan_cuts_the_read_model_into_seven_segments_each_written_within_7_MiB()
    {
        Assert.AreEqual(7, _plan.K);
        Assert.AreEqual(TailStart, _plan.Cuts[0].Tensor);
        foreach (var (name, bytes) in _segments)
        {
            Console.WriteLine($"{name}: {bytes.Length / 1048576.0:F2} MiB");
            Assert.IsLessThanOrEqualTo(7L * 1024 * 1024, bytes.Length, name);
        }
    }

    [TestMethod]
    public void Tail_from_conv4_block4_out_loads_in_TFLite_with_an_int8_1x14x14x1024_input_and_finishes_seg1_exactly()
    {
        using (var tail = TfLiteRuntime.Load(_tail))
        {
            var input = tail.Inputs.Single();
            Assert.AreEqual(TailStart, input.Name);
            Assert.AreEqual(TfLiteTensorType.Int8, input.Type);
            CollectionAssert.AreEqual(new[] { 1, 14, 14, 1024 }, input.Shape);
            var output = tail.Outputs.Single();
            Assert.AreEqual(TfLiteTensorType.Int8, output.Type);
            CollectionAssert.AreEqual(new[] { 1, 1000 }, output.Shape);
        }

        var seg1 = _chainSteps.Value[0];
        Assert.HasCount(14 * 14 * 1024, seg1);
        Assert.IsGreaterThan(50, seg1.Distinct().Count(), "seg1's output (conv4_block4_out) is not degenerate");
        CollectionAssert.AreEqual(_unsegmentedOutput.Value, TfLiteChain.Run([("seg1", _segments[0].Model), ("tail", _tail)], _photo),
            "seg1 + tail (the k = 2 combo) vs the unsegmented int8 model");
    }

    [TestMethod]
    public void Seg1_to_seg7_chained_in_TFLite_give_exactly_the_unsegmented_int8_models_output()
    {
        var steps = _chainSteps.Value;
        var expected = _unsegmentedOutput.Value;
        Assert.HasCount(1000, expected);
        foreach (var (step, i) in steps.SkipLast(1).Select((s, i) => (s, i)))
        {
            Assert.AreEqual(_plan.Cuts[i].Shape.Aggregate(1, (a, d) => a * d), step.Length, $"seg{i + 1} outputs {_plan.Cuts[i].Tensor}");
            Assert.IsGreaterThan(50, step.Distinct().Count(), $"seg{i + 1}'s output ({_plan.Cuts[i].Tensor}) is not degenerate");
        }

        // The softmax of random weights is flat, so its int8 output has few distinct values; the last cut tensor
        // (1×7×7×2048) compares the chain with the unsegmented network on far more.
        var lastCut = TfLiteChain.Run([("input to " + _plan.Cuts[^1].Tensor, _unsegmentedToLastCut)], _photo);
        CollectionAssert.AreEqual(lastCut, steps[^2], $"seg1 → … → seg6 vs the unsegmented network up to {_plan.Cuts[^1].Tensor}");

        Console.WriteLine($"softmax output: {expected.Distinct().Count()} distinct int8 values, {expected.Count(v => v > -128)} above the minimum");
        Assert.IsGreaterThan(1, expected.Distinct().Count(), "the unsegmented output is not constant");
        CollectionAssert.AreEqual(expected, steps[^1], "seg1 → … → seg7 vs the unsegmented int8 model");
    }
}
