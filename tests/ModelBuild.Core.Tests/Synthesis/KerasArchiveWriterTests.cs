using System.IO.Compression;
using System.Text.Json.Nodes;
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
using PureHDF;

namespace ModelBuild.Core.Tests.Synthesis;

/// <summary>
/// A synthesized .keras has the shape of one real Keras 3.13 wrote (../shared/models/keras/14_*): the same zip
/// entries in the same order, uncompressed (config.json's keys: Keras3ModelConfigTests); and model.weights.h5 laid out as saving_lib does (layers/&lt;snake_case key&gt;/vars with the layer's name).
/// </summary>
[TestClass]
public sealed class KerasArchiveWriterTests
{
    private static readonly string RealFile = Path.Combine(RepoPaths.KerasModels, "14_keras3.13_potato_cnn_nested_augmentation.keras");
    private static string _dir = "";
    private static string _synthesized = "";

    [ClassInitialize]
    public static void Init(TestContext _)
    {
        _dir = RepoPaths.NewScratchDirectory("synth-archive-layout");
        _synthesized = Path.Combine(_dir, "efficientnetb0.keras");
        KerasModelSynthesizer.Write(_synthesized, SynthArchitecture.EfficientNetB0, seed: 4,
            new SynthOptions { InputSize = 64, Classes = 10, CalibrationSize = 32, CalibrationImages = 1, Format = SynthFileFormat.KerasArchive });
    }

    [ClassCleanup]
    public static void Cleanup() => ResidualArtifacts.DeleteScratch(_dir);

    [TestMethod]
    public void Zip_entries_are_those_keras_writes_in_its_order_uncompressed()
    {
        CollectionAssert.AreEqual(Entries(RealFile), Entries(_synthesized));
        var metadata = JsonNode.Parse(KerasArchiveContents.Entry(_synthesized, "metadata.json"))!.AsObject();
        CollectionAssert.AreEqual(new[] { "keras_version", "date_saved" }, metadata.Select(p => p.Key).ToArray());
        StringAssert.StartsWith(metadata["keras_version"]!.GetValue<string>(), "3.");
    }

    [TestMethod]
    public void Weights_live_under_layers_by_snake_case_key_with_the_layers_name()
    {
        using var h5 = H5File.Open(new MemoryStream(KerasArchiveContents.Entry(_synthesized, "model.weights.h5")));
        Assert.AreEqual("efficientnetb0", h5.Group("vars").Attribute("name").Read<string>());
        Assert.AreEqual("stem_conv", h5.Group("layers/conv2d/vars").Attribute("name").Read<string>());
        Assert.AreEqual("normalization", h5.Group("layers/normalization/vars").Attribute("name").Read<string>());
        Assert.AreEqual("block1a_dwconv", h5.Group("layers/depthwise_conv2d/vars").Attribute("name").Read<string>());
        Assert.AreEqual("top_conv", h5.Group("layers/conv2d_64/vars").Attribute("name").Read<string>(), "the 65th and last Conv2D, keyed in model.layers order");
        Assert.AreEqual("block1a_se_excite", h5.Group("layers/multiply/vars").Attribute("name").Read<string>(), "weightless layers get their group too");
        CollectionAssert.AreEqual(new ulong[] { 3, 3, 3, 32 }, h5.Dataset("layers/conv2d/vars/0").Space.Dimensions);
        Assert.AreEqual(4, h5.Group("layers/batch_normalization/vars").Children().Count(), "gamma, beta, moving mean, moving variance");
        Assert.AreEqual(0, h5.Dataset("layers/normalization/vars/2").Space.Dimensions.Length, "Normalization's count is a scalar");
        Assert.IsFalse(h5.LinkExists("layers/input_layer"), "Keras 3's model.layers has no InputLayer");
    }

    private static string[] Entries(string file)
    {
        using var zip = ZipFile.OpenRead(file);
        return zip.Entries.Select(e => $"{e.FullName} {(e.CompressedLength == e.Length ? "stored" : "deflated")}").ToArray();
    }

    // One seed, two files: the Keras 2 .h5 and the Keras 3 .keras of a synthesized family carry the same
    // weights, so our reader gives bit-identical float outputs for both, and quantizing either gives the same
    // int8 .tflite bytes. Small inputs (keras.applications allows 32 and up) keep it quick.

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
        var h5 = Path.Combine(_dir, $"formats-{arch}.h5");
        var keras = Path.Combine(_dir, $"formats-{arch}.keras");
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
