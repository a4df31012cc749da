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
    public static IEnumerable<object[]> Cases => Int8OneOpModels.All().Select(c => new object[] { c.Name });

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

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void One_op_int8_model_matches_float_within_two_output_steps(string name)
    {
        var floatGraph = Int8OneOpModels.All().Single(c => c.Name == name).Graph;
        // Calibrated on the very inputs tested below (the first 3 of seed 11), so no value saturates.
        var ranges = CalibrateRandom(floatGraph, 6, seed: 11);
        var int8 = Quantizer.Quantize(floatGraph, ranges);
        var int8Exec = new Int8Executor(int8);
        var floatExec = new FloatExecutor(floatGraph);
        var r = new Random(11);
        var amp = Int8OneOpModels.Amplitudes(floatGraph);
        double worst = 0;
        for (int trial = 0; trial < 3; trial++)
        {
            var inputs = RandomInputs(floatGraph, amp, r);
            var qIn = int8.Inputs.Select((t, i) => Quantize(inputs[floatGraph.Inputs[i]], t.Quant!)).ToList();
            var deq = new Dictionary<Tensor, float[]>(ReferenceEqualityComparer.Instance);
            for (int i = 0; i < qIn.Count; i++) deq[floatGraph.Inputs[i]] = Dequantize(qIn[i], int8.Inputs[i].Quant!);
            var expected = floatExec.Run(deq)[floatGraph.Outputs[0]];
            var outQ = int8.Outputs[0].Quant!;
            var actual = Dequantize(int8Exec.Run(qIn)[0], outQ);
            NumericAssert.SameLengthAndFinite(expected, actual, $"{name}: float vs int8 output");
            float maxAbs = expected.Max(Math.Abs);
            double tol = 2.01 * outQ.Scale[0] + 0.02 * maxAbs;
            for (int i = 0; i < expected.Length; i++)
            {
                double err = Math.Abs(expected[i] - actual[i]);
                worst = Math.Max(worst, err / tol);
                Assert.IsLessThanOrEqualTo(tol, err, $"{name}: element {i}: float {expected[i]}, int8 {actual[i]} (output scale {outQ.Scale[0]})");
            }
        }

        Console.WriteLine($"{name}: worst error {worst:P0} of tolerance");
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void Model_read_back_from_tflite_runs_identically(string name)
    {
        var floatGraph = Int8OneOpModels.All().Single(c => c.Name == name).Graph;
        var int8 = Quantizer.Quantize(floatGraph, CalibrateRandom(floatGraph, 4, 11));
        var readBack = TfLiteReader.Read(TfLiteWriter.Write(int8));
        var a = new Int8Executor(int8);
        var b = new Int8Executor(readBack);
        var r = new Random(2);
        for (int trial = 0; trial < 3; trial++)
        {
            var inputs = int8.Inputs.Select(t => RandomInt8((int)t.ElementCount, r)).ToList();
            CollectionAssert.AreEqual(a.Run(inputs)[0], b.Run(inputs)[0], name);
        }
    }
}
