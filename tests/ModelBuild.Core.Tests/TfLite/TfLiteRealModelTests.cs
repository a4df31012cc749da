using System.Text.Json;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.TfLite;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.TfLite;

/// <summary>
/// The real Keras models of ../shared: our float .tflite reproduces each model's reference output in TFLite 2.9,
/// and the int8 .tflite of the smaller ones runs in TFLite exactly as in our Int8Executor.
/// </summary>
[TestClass]
public sealed class TfLiteRealModelTests
{
    public static IEnumerable<object[]> Models => SharedKerasModels.All;

    public static IEnumerable<object[]> SmallModels =>
    [
        ["03_mlperf_tiny_resnet8_cifar10_k2.4.h5"],
        ["05_mini_xception_fer2013_sepconv_add_k2.0.5.hdf5"],
        ["07_keras3.4.1_cifar10_cnn.h5"],
        ["08_keras3.11.3_mnist_cnn_dropout.h5"],
        ["13_mnist_edgetpu_tutorial_k2.h5"],
    ];

    [TestMethod]
    [DynamicData(nameof(Models))]
    public void Float_tflite_reproduces_the_keras_reference(string file)
    {
        var graph = KerasModelReader.Read(RepoPaths.KerasModel(file));
        var input = ReferenceInput.For(graph.Inputs[0].Shape);
        using var interpreter = TfLiteRuntime.Load(TfLiteWriter.Write(graph));
        var output = interpreter.RunFloat(input);

        var reference = Reference(file);
        var range = reference.Max() - reference.Min();
        var maxError = NumericAssert.Close(reference, output, 1e-4 * Math.Max(range, 1e-6), $"{file}: float TFLite vs the Keras reference");
        Console.WriteLine($"{file}: {graph.Nodes.Count} ops, max abs error {maxError:G3} (output range {range:G3})");
    }

    [TestMethod]
    [DynamicData(nameof(SmallModels))]
    public void Int8_tflite_runs_exactly_like_the_int8_executor(string file)
    {
        var floatGraph = KerasModelReader.Read(RepoPaths.KerasModel(file));
        var shape = floatGraph.Inputs[0].Shape;
        var r = new Random(1);
        var samples = Enumerable.Range(0, 4).Select(_ => Enumerable.Range(0, (int)floatGraph.Inputs[0].ElementCount / shape[0]).Select(_ => (float)r.NextDouble()).ToArray()).ToList();
        var int8 = Quantizer.Quantize(floatGraph, Calibrator.Calibrate(floatGraph, samples, new Diagnostics.RecordingBuildLog()));

        using var interpreter = TfLiteRuntime.Load(TfLiteWriter.Write(int8));
        var inQ = int8.Inputs[0].Quant!;
        var x = ReferenceInput.For(shape).Select(v => (sbyte)Math.Clamp(Math.Round(v / inQ.Scale[0]) + inQ.ZeroPoint[0], -128, 127)).ToArray();
        var tflite = interpreter.RunInt8(x);
        var ours = new Int8Executor(int8).Run(x);
        var (maxDiff, differing, _) = NumericAssert.Steps(tflite, ours, file);
        Console.WriteLine($"{file}: {int8.Nodes.Count} int8 ops, {differing}/{ours.Length} outputs differ, max {maxDiff} step(s)");
        NumericAssert.Int8Identical(tflite, ours, $"{file}: TFLite vs Int8Executor");
    }

    private static float[] Reference(string file)
    {
        var stem = Path.GetFileNameWithoutExtension(file);
        return JsonSerializer.Deserialize<float[]>(File.ReadAllText(Path.Combine(RepoPaths.KerasModels, stem + ".reference.json")))!;
    }
}
