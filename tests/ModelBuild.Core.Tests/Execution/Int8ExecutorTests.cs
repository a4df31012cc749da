using System.Reflection;
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
/// The real TFLite 2.9 runtime is the judge of the Int8Executor: whole shared Keras models, quantized by us, give
/// bit-identical outputs on real photos (asserted exactly: not one int8 step of difference). The one-op rows of
/// <see cref="Int8OneOpModels"/> run in the test file of their kernel (Execution/Int8/*KernelsTests: bit-identity) and of
/// their operator definition (Operators/*DefinitionTests: int8 against float, read back from .tflite); the guard here
/// checks each row is run by exactly one of each.
/// </summary>
[TestClass]
public sealed class Int8ExecutorTests
{
    /// <summary>Row name → the test classes of <paramref name="ns"/> whose static OneOpRows list it.</summary>
    private static Dictionary<string, List<string>> RowOwners(string ns)
    {
        var owners = Int8OneOpModels.All().ToDictionary(c => c.Name, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var type in typeof(Int8ExecutorTests).Assembly.GetTypes().Where(t => t.Namespace == ns))
        {
            if (type.GetProperty("OneOpRows", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) is not IEnumerable<object[]> rows) continue;
            foreach (var row in rows) owners[(string)row[0]].Add(type.Name);
        }

        return owners;
    }

    [TestMethod]
    public void Every_one_op_row_is_run_by_exactly_one_kernel_test_file_named_after_its_kernels_source()
    {
        var owners = RowOwners("ModelBuild.Core.Tests.Execution.Int8");
        foreach (var (row, classes) in owners)
        {
            Assert.HasCount(1, classes, $"row '{row}' is run by [{string.Join(", ", classes)}]");
            Assert.AreEqual(Int8OneOpAgreement.SourceFilesOfRows[row].Kernel + "Tests", classes[0], row);
        }
    }

    [TestMethod]
    public void Every_one_op_row_is_run_by_exactly_one_definition_test_file_named_after_its_definitions_source()
    {
        var owners = RowOwners("ModelBuild.Core.Tests.Operators");
        foreach (var (row, classes) in owners)
        {
            Assert.HasCount(1, classes, $"row '{row}' is run by [{string.Join(", ", classes)}]");
            Assert.AreEqual(Int8OneOpAgreement.SourceFilesOfRows[row].Definition + "Tests", classes[0], row);
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
    public void Whole_int8_model_is_bit_identical_to_tflite(string model)
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
}
