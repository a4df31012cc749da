using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.Tests.Quantization;
using ModelBuild.Core.TfLite;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.Execution.Int8TestHelpers;

namespace ModelBuild.Core.Tests.Execution;

/// <summary>
/// The real TFLite 2.9 runtime is the judge of the Int8Executor: every int8 op kind we emit, as a one-op model
/// written by our TfLiteWriter, gives bit-identical outputs in both on random int8 inputs; so do whole shared Keras
/// models, quantized by us, on real photos (asserted exactly: not one int8 step of difference).
/// </summary>
[TestClass]
public sealed class Int8OracleTests
{
    public static IEnumerable<object[]> Cases => Int8OneOpModels.All().Select(c => new object[] { c.Name });

    public static IEnumerable<object[]> ConvCases => Int8OneOpModels.All().Where(c => c.Name.StartsWith("conv") || c.Name.StartsWith("depthwise")).Select(c => new object[] { c.Name });

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void OneOpInt8ModelIsBitIdenticalInTflite(string name) => AssertBitIdentical(name, new QuantizationOptions());

    [TestMethod]
    [DynamicData(nameof(ConvCases))]
    public void OneOpInt8ModelWithPerTensorWeightsIsBitIdenticalInTflite(string name) => AssertBitIdentical(name, new QuantizationOptions { PerChannel = false });

    [TestMethod]
    [DataRow(3)]
    [DataRow(29)]
    public void OneOpModelsStayBitIdenticalWithOtherWeightsAndRanges(int seed)
    {
        // Other random weights and calibration ranges exercise other multipliers, shifts and rounding ties.
        foreach (var (name, graph) in Int8OneOpModels.All(seed))
            AssertBitIdentical(name, graph, new QuantizationOptions(), calibrationSeed: seed);
    }

    [TestMethod]
    [DataRow(0.05f, -3, 0.11f, 7, DisplayName = "to a coarser scale")]
    [DataRow(0.11f, 7, 0.05f, -3, DisplayName = "to a finer scale (saturates)")]
    [DataRow(0.02f, 0, 0.02f, 40, DisplayName = "same scale, shifted zero point")]
    [DataRow(0.3f, 0, 0.02f, 0, DisplayName = "ratio 15 (saturates beyond +-8)")]
    [DataRow(0.004f, 0, 0.3f, -100, DisplayName = "ratio 1/75")]
    public void StandaloneQuantizeRequantizesBitIdenticallyInTflite(float inScale, int inZeroPoint, float outScale, int outZeroPoint)
    {
        // QUANTIZE int8 -> int8 (the requantization ModelBuild emits) as a model of its own, the scales chosen here.
        var x = new Tensor("input", [1, 8, 8, 4], DataType.Int8) { Quant = new QuantParams([inScale], [inZeroPoint]) };
        var y = new Tensor("requantized", [1, 8, 8, 4], DataType.Int8) { Quant = new QuantParams([outScale], [outZeroPoint]) };
        var int8 = new ModelGraph("quantize", [x], [y], [new Node("requantized", OpType.Quantize, [x], [y])]);
        using var tflite = TfLiteRuntime.Load(TfLiteWriter.Write(int8));
        var ours = new Int8Executor(int8);
        var input = Enumerable.Range(0, 256).Select(v => (sbyte)(v - 128)).ToArray(); // every int8 value once

        var expected = tflite.RunInt8(input);
        NumericAssert.Int8Identical(expected, ours.Run(input), $"QUANTIZE {inScale}/{inZeroPoint} -> {outScale}/{outZeroPoint}");
        Assert.IsGreaterThan(1, expected.Distinct().Count(), "the output is not a constant");
    }

    private static void AssertBitIdentical(string name, QuantizationOptions options) =>
        AssertBitIdentical(name, Int8OneOpModels.All().Single(c => c.Name == name).Graph, options, calibrationSeed: 11);

    private static void AssertBitIdentical(string name, ModelGraph floatGraph, QuantizationOptions options, int calibrationSeed)
    {
        var int8 = Quantizer.Quantize(floatGraph, CalibrateRandom(floatGraph, 4, calibrationSeed), options);
        using var tflite = TfLiteRuntime.Load(TfLiteWriter.Write(int8));
        var ours = new Int8Executor(int8);
        var r = new Random(calibrationSeed * 31 + 7);
        for (int trial = 0; trial < 8; trial++)
        {
            var inputs = int8.Inputs.Select(t => RandomInt8((int)t.ElementCount, r)).ToList();
            var expected = tflite.Run(inputs.Select(AsBytes).ToArray())[0].Select(b => (sbyte)b).ToArray();
            var actual = ours.Run(inputs)[0];
            NumericAssert.Int8Identical(expected, actual, $"{name} (trial {trial}): TFLite vs Int8Executor");
        }
    }

    [TestMethod]
    [DataRow("01_st_mobilenet_v2_0.35_224_food101_k2.8.h5")]
    [DataRow("02_keras_apps_mobilenet_v1_0.25_224_imagenet_k2.8.h5")]
    [DataRow("03_mlperf_tiny_resnet8_cifar10_k2.4.h5")]
    [DataRow("04_squeezenet_cataract_concat_k2.4.h5")]
    [DataRow("05_mini_xception_fer2013_sepconv_add_k2.0.5.hdf5")]
    [DataRow("06_teachable_machine_nested_mobilenetv2_k2.4.h5")]
    [DataRow("07_keras3.4.1_cifar10_cnn.h5")]
    [DataRow("08_keras3.11.3_mnist_cnn_dropout.h5")]
    [DataRow("11_unet_superres_concat_upsample_k2.10.h5")]
    [DataRow("13_mnist_edgetpu_tutorial_k2.h5")]
    public void WholeInt8ModelIsBitIdenticalInTflite(string model)
    {
        var floatGraph = KerasModelReader.Read(RepoPaths.KerasModel(model));
        var shape = floatGraph.Inputs[0].Shape;
        var photos = AccuracyInputs.Samples(model, shape).Take(2).ToList();
        var int8 = Quantizer.Quantize(floatGraph, Calibrator.Calibrate(floatGraph, photos, new RecordingBuildLog()));
        using var tflite = TfLiteRuntime.Load(TfLiteWriter.Write(int8));
        var ours = new Int8Executor(int8);
        int worst = 0;
        foreach (var x in photos.Take(model.StartsWith("11_") ? 1 : 2))
        {
            var q = Quantize(x, int8.Inputs[0].Quant!);
            var expected = tflite.RunInt8(q);
            var actual = ours.Run(q);
            worst = Math.Max(worst, NumericAssert.Steps(expected, actual, model).MaxSteps);
            NumericAssert.Int8Identical(expected, actual, $"{model}: TFLite vs Int8Executor");
        }

        Console.WriteLine($"{model}: max difference from TFLite {worst} int8 steps");
    }

    private static byte[] AsBytes(sbyte[] v) => v.Select(b => (byte)b).ToArray();
}
