using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.Quantization.Equalization;
using ModelBuild.Core.Tests.Quantization;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.Execution.Int8TestHelpers;

namespace ModelBuild.Core.Tests.Quantization.Equalization;

/// <summary>
/// Every shared Keras model, calibrated on real photos and quantized by us, agrees with its float model on
/// top-1 and SQNR; where Google's converter produced an int8 model of the same source, the same figures are
/// computed for it with the real TFLite runtime. Each test prints its docs/ACCURACY.md row.
/// </summary>
[TestClass]
public sealed class WeightPreparationTests
{
    /// <summary>
    /// docs/ACCURACY.md's claims where Google's converter has a model of the same source: our per-channel SQNR (bias-corrected, as a build quantizes), and Google's
    /// top-1 and SQNR (its .tflite, TFLite 2.9 and these inputs are fixed, so its figures are exact to the printed decimal).
    /// </summary>
    private static readonly Dictionary<string, (double OursSqnrDb, int GoogleTop1, double GoogleSqnrDb)> DocumentedAgainstGoogle = new()
    {
        ["01_st_mobilenet_v2_0.35_224_food101_k2.8.h5"] = (19.9, 5, 13.3),
        ["03_mlperf_tiny_resnet8_cifar10_k2.4.h5"] = (26.4, 3, 10.2),
        ["13_mnist_edgetpu_tutorial_k2.h5"] = (38.2, 6, 30.9),
    };

    [TestMethod]
    [DataRow("01_st_mobilenet_v2_0.35_224_food101_k2.8.h5", 5, 5, 8.0, "01_mobilenet_v2_0.35_224_food101_int8.tflite")]
    [DataRow("02_keras_apps_mobilenet_v1_0.25_224_imagenet_k2.8.h5", 5, 5, 15.0, null)]
    [DataRow("03_mlperf_tiny_resnet8_cifar10_k2.4.h5", 5, 5, 10.0, "03_pretrainedResnet_quant_int8.tflite")]
    [DataRow("04_squeezenet_cataract_concat_k2.4.h5", 5, 5, 18.0, null)]
    [DataRow("05_mini_xception_fer2013_sepconv_add_k2.0.5.hdf5", 5, 5, 15.0, null)]
    [DataRow("06_teachable_machine_nested_mobilenetv2_k2.4.h5", 5, 5, 15.0, null)]
    [DataRow("07_keras3.4.1_cifar10_cnn.h5", 5, 5, 20.0, null)]
    [DataRow("08_keras3.11.3_mnist_cnn_dropout.h5", 5, 5, 25.0, null)]
    [DataRow("11_unet_superres_concat_upsample_k2.10.h5", 2, 1, 25.0, null)]
    [DataRow("13_mnist_edgetpu_tutorial_k2.h5", 5, 5, 25.0, "13_mnist_int8.tflite")]
    public void Int8_model_agrees_with_float(string model, int calibrationPhotos, int evalPhotos, double minSqnrDb, string? googleModel)
    {
        var floatGraph = KerasModelReader.Read(RepoPaths.KerasModel(model));
        var shape = floatGraph.Inputs[0].Shape;
        var pre = AccuracyInputs.Preprocessing(model);
        var pattern = ReferenceInput.For(shape).Select(v => pre(v * 255)).ToArray();
        // Calibrate on the photos, their mirror images and the synthetic pattern; evaluate on photos and pattern.
        var calibration = AccuracyInputs.Samples(model, shape).Take(2 * calibrationPhotos).Append(pattern).ToList();
        // What QuantizedAsABuildDoes makes, per-channel and per-tensor, in two float passes instead of three; the U-Net's
        // per-tensor column (its input moments take most of a minute) only with FullMeasurement.
        bool withPerTensor = !model.StartsWith("11_", StringComparison.Ordinal) || FullMeasurement.Enabled;
        var both = QuantizedInFewPasses.Quantize(floatGraph, calibration,
            withPerTensor ? [(RangeEstimator.MinMax, new QuantizationOptions()), (RangeEstimator.MinMax, new QuantizationOptions { PerChannel = false })] : [(RangeEstimator.MinMax, new QuantizationOptions())]);
        var (int8, perTensor) = (both[0], withPerTensor ? both[1] : null);
        var inputs = AccuracyInputs.Samples(model, shape, mirrored: false).Take(evalPhotos).Append(pattern).ToList();
        var floatExec = new FloatExecutor(floatGraph);
        var int8Exec = new Int8Executor(int8);
        var perTensorExec = perTensor is null ? null : new Int8Executor(perTensor);
        var ours = new OutputAgreement();
        var oursPerTensor = new OutputAgreement();
        var google = googleModel is null ? null : new OutputAgreement();
        using var googleRuntime = googleModel is null ? null : TfLiteRuntime.Load(RepoPaths.TfLiteModel(googleModel));
        foreach (var x in inputs)
        {
            var f = floatExec.Run(x);
            ours.Add(f, RunOnRealValues(int8Exec, x));
            if (perTensorExec is not null) oursPerTensor.Add(f, RunOnRealValues(perTensorExec, x));
            if (googleRuntime is not null) google!.Add(f, RunQuantized(googleRuntime, x));
        }

        bool classifier = int8.Outputs[0].Rank == 2;
        string Top1(OutputAgreement m) => classifier ? $"{m.Top1Agree}/{m.Inputs}" : "n/a (image output)";
        Console.WriteLine($"| {model} | {Top1(ours)} | {ours.SqnrDb:F1} | {(perTensorExec is null ? "— | —" : $"{Top1(oursPerTensor)} | {oursPerTensor.SqnrDb:F1}")} | " +
                          (google is null ? "— | — |" : $"{Top1(google)} | {google.SqnrDb:F1} |"));
        Assert.IsGreaterThanOrEqualTo(minSqnrDb, ours.SqnrDb, $"{model}: {ours}");
        if (classifier) Assert.IsGreaterThanOrEqualTo((ours.Inputs + 1) / 2, ours.Top1Agree, $"{model}: {ours}");
        Assert.AreEqual(google is not null, DocumentedAgainstGoogle.ContainsKey(model), $"{model}: docs/ACCURACY.md has Google's figures exactly where there is a Google model");
        if (google is not null)
        {
            var documented = DocumentedAgainstGoogle[model];
            Assert.AreEqual(documented.GoogleTop1, google.Top1Agree, $"{model}: Google's top-1, as docs/ACCURACY.md says");
            Assert.AreEqual(documented.GoogleSqnrDb, google.SqnrDb, 0.05, $"{model}: Google's SQNR, as docs/ACCURACY.md says");
            Assert.AreEqual(documented.OursSqnrDb, ours.SqnrDb, 0.05, $"{model}: our SQNR beside Google's, as docs/ACCURACY.md says");
            Assert.AreEqual(documented.OursSqnrDb > documented.GoogleSqnrDb, ours.SqnrDb > google.SqnrDb, $"{model}: which of ours and Google's is closer to float, as documented");
        }
    }

    [TestMethod]
    public void Per_tensor_conversion_gives_the_same_int8_constants_twice()
    {
        // Equalization, adaptive rounding (parallel over weight rows) and bias correction: same samples, same bytes.
        const string model = "02_keras_apps_mobilenet_v1_0.25_224_imagenet_k2.8.h5";
        var graph = KerasModelReader.Read(RepoPaths.KerasModel(model));
        var calibration = AccuracyInputs.Samples(model, graph.Inputs[0].Shape).Take(4).ToList();
        var perTensor = new QuantizationOptions { PerChannel = false };

        var first = QuantizedAsABuildDoes(graph, calibration, perTensor);
        var second = QuantizedAsABuildDoes(graph, calibration, perTensor);

        var constants = first.Nodes.Zip(second.Nodes).SelectMany(p => p.First.Inputs.Zip(p.Second.Inputs)).Where(p => p.First is { IsConstant: true }).ToList();
        Assert.IsGreaterThan(50, constants.Count);
        foreach (var (a, b) in constants)
        {
            CollectionAssert.AreEqual((System.Collections.ICollection)a!.Data!, (System.Collections.ICollection)b!.Data!, a.Name);
            CollectionAssert.AreEqual(a.Quant?.Scale, b.Quant?.Scale, a.Name);
        }
    }

    /// <summary>Calibrated and quantized as ConvertInt8 does it: equalized and adaptively rounded (per-tensor), bias-corrected.</summary>
    internal static ModelGraph QuantizedAsABuildDoes(ModelGraph floatGraph, IEnumerable<float[]> calibration, QuantizationOptions options) =>
        WeightPreparation.Convert(floatGraph, calibration, options, new RecordingBuildLog()).Int8;

    /// <summary>Runs a Google-converted model whatever its I/O types (float, uint8 or int8), returning real values.</summary>
    internal static float[] RunQuantized(TfLiteInterpreter rt, float[] x)
    {
        var i = rt.Inputs[0];
        byte[] bytes = i.Type switch
        {
            TfLiteTensorType.Float32 => x.SelectMany(BitConverter.GetBytes).ToArray(),
            TfLiteTensorType.UInt8 => x.Select(v => (byte)Math.Clamp(Math.Round(v / i.Scale) + i.ZeroPoint, 0, 255)).ToArray(),
            TfLiteTensorType.Int8 => x.Select(v => (byte)(sbyte)Math.Clamp(Math.Round(v / i.Scale) + i.ZeroPoint, -128, 127)).ToArray(),
            _ => throw new NotSupportedException(i.Type.ToString()),
        };
        var o = rt.Outputs[0];
        var y = rt.Run(bytes)[0];
        return o.Type switch
        {
            TfLiteTensorType.Float32 => TfLiteInterpreter.AsFloat(y),
            TfLiteTensorType.UInt8 => y.Select(v => o.Scale * (v - o.ZeroPoint)).ToArray(),
            TfLiteTensorType.Int8 => y.Select(v => o.Scale * ((sbyte)v - o.ZeroPoint)).ToArray(),
            _ => throw new NotSupportedException(o.Type.ToString()),
        };
    }
}
