using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.Synthesis;
using ModelBuild.Core.Tests.Execution;
using ModelBuild.Core.Tests.Layout;
using ModelBuild.Core.TfLite;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Synthesis;

/// <summary>
/// One seed, two files: the Keras 2 .h5 and the Keras 3 .keras of a synthesized family carry the same weights, so
/// our reader gives bit-identical float outputs for both, and quantizing either gives the same int8 .tflite bytes.
/// Small inputs (keras.applications allows 32 and up) keep it quick.
/// </summary>
[TestClass]
public sealed class SynthesizedFormatsAgreeTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("synth-formats");

    [ClassCleanup]
    public static void Cleanup() => ResidualArtifacts.DeleteScratch(_dir);

    [TestMethod]
    [DataRow(SynthArchitecture.MobileNetV2, 64)]
    [DataRow(SynthArchitecture.ResNet50, 64)]
    [DataRow(SynthArchitecture.EfficientNetB0, 64)]
    [DataRow(SynthArchitecture.EfficientNetV2B0, 64)]
    public void The_h5_and_the_keras_file_of_one_seed_run_alike_in_float_and_quantize_to_the_same_bytes(SynthArchitecture arch, int size)
    {
        var (fromH5, fromKeras, inputs) = WriteBothAndCompareFloats(arch, size);

        var int8FromH5 = TfLiteWriter.Write(Quantizer.Quantize(fromH5, Calibrator.Calibrate(fromH5, inputs, new RecordingBuildLog())));
        var int8FromKeras = TfLiteWriter.Write(Quantizer.Quantize(fromKeras, Calibrator.Calibrate(fromKeras, inputs, new RecordingBuildLog())));
        CollectionAssert.AreEqual(int8FromH5, int8FromKeras, $"{arch}: int8 .tflite from .h5 and from .keras");
    }

    /// <summary>
    /// MobileNetV3's two files differ by design: Keras 2 and Keras 3 name its layers differently and build hard-swish
    /// from different layers (see Architectures/MobileNetV3), so the .tflite bytes (which carry tensor names) cannot
    /// match. The weights are the same, and hard-swish is x · relu6(x + 3) · (1/6) either way: same floats, same int8 outputs.
    /// </summary>
    [TestMethod]
    [DataRow(SynthArchitecture.MobileNetV3Small, 64)]
    [DataRow(SynthArchitecture.MobileNetV3Large, 64)]
    public void MobileNetV3_h5_and_keras_of_one_seed_give_the_same_float_and_int8_outputs(SynthArchitecture arch, int size)
    {
        var (fromH5, fromKeras, inputs) = WriteBothAndCompareFloats(arch, size);

        var int8FromH5 = Quantizer.Quantize(fromH5, Calibrator.Calibrate(fromH5, inputs, new RecordingBuildLog()));
        var int8FromKeras = Quantizer.Quantize(fromKeras, Calibrator.Calibrate(fromKeras, inputs, new RecordingBuildLog()));
        Assert.HasCount(int8FromH5.Nodes.Count, int8FromKeras.Nodes, "the same int8 operators");
        CollectionAssert.AreEqual(int8FromH5.Nodes.Select(n => n.Op).ToArray(), int8FromKeras.Nodes.Select(n => n.Op).ToArray());
        foreach (var x in inputs)
        {
            var q = Int8TestHelpers.Quantize(x, int8FromH5.Inputs[0].Quant!);
            CollectionAssert.AreEqual(new Int8Executor(int8FromH5).Run(q), new Int8Executor(int8FromKeras).Run(q), $"{arch}: int8 outputs of .h5 and .keras");
        }
    }

    /// <summary>
    /// Writes the .h5 and the .keras of one seed (each detected as what it is), reads both and checks that they give
    /// bit-identical float outputs on two inputs, which are returned for the int8 comparison.
    /// </summary>
    private static (ModelGraph FromH5, ModelGraph FromKeras, List<float[]> Inputs) WriteBothAndCompareFloats(SynthArchitecture arch, int size)
    {
        var options = Options(size);
        var h5 = Path.Combine(_dir, $"{arch}.h5");
        var keras = Path.Combine(_dir, $"{arch}.keras");
        KerasModelSynthesizer.Write(h5, arch, seed: 7, options);
        KerasModelSynthesizer.Write(keras, arch, seed: 7, options with { Format = SynthFileFormat.KerasArchive });
        Assert.IsFalse(KerasFileFormat.IsZip(h5));
        Assert.IsTrue(KerasFileFormat.IsZip(keras));

        var fromH5 = KerasModelReader.Read(h5);
        var fromKeras = KerasModelReader.Read(keras);
        var inputs = Enumerable.Range(0, 2).Select(i => Input(fromH5.Inputs[0].Shape, i)).ToList();
        foreach (var x in inputs)
        {
            var a = Run(fromH5, x);
            var b = Run(fromKeras, x);
            Assert.IsGreaterThan(0f, a.Max() - a.Min(), "the model's output depends on its input");
            CollectionAssert.AreEqual(a.Select(BitConverter.SingleToInt32Bits).ToArray(), b.Select(BitConverter.SingleToInt32Bits).ToArray(), $"{arch}: float outputs of .h5 and .keras");
        }

        return (fromH5, fromKeras, inputs);
    }

    /// <summary>
    /// The statistics pass at the model's own small size with two images: at 32×32 and one image the last stages
    /// see a single pixel, measure zero variance, and the float pass overflows (EfficientNetV2B0's block6).
    /// </summary>
    private static SynthOptions Options(int size) => new() { InputSize = size, Classes = 10, CalibrationSize = size, CalibrationImages = 2 };

    private static float[] Run(ModelGraph g, float[] x) =>
        new FloatExecutor(g).Run(new Dictionary<Tensor, float[]> { [g.Inputs[0]] = x }, 1)[g.Outputs[0]];

    /// <summary>A smooth image in 0..255 (raw pixels, as EfficientNet takes them), different per index.</summary>
    private static float[] Input(int[] shape, int index)
    {
        var x = new float[shape.Aggregate(1, (a, d) => a * d)];
        for (int i = 0; i < x.Length; i++) x[i] = 127.5f + 120f * MathF.Sin(i * (0.013f + 0.007f * index));
        return x;
    }
}
