using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.Tests.Execution;
using ModelBuild.Core.TfLite;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.TfLite.TfLiteTestModels;

namespace ModelBuild.Core.Tests.TfLite;

/// <summary>
/// Reading .tflite into the IR: writer → reader → writer byte for byte, Google's models through our reader and
/// writer, and the Edge TPU-compiled models it refuses.
/// </summary>
[TestClass]
public sealed class TfLiteReaderTests
{
    [TestMethod]
    public void Int8_model_survives_write_read_write_byte_for_byte()
    {
        var floatGraph = ResidualTestGraphs.ResidualBlock();
        var int8 = Quantizer.Quantize(floatGraph, Int8TestHelpers.CalibrateRandom(floatGraph, 4, seed: 3));
        var bytes = TfLiteWriter.Write(int8);
        var read = TfLiteReader.Read(bytes, "residual");

        Assert.HasCount(int8.Nodes.Count, read.Nodes);
        for (int i = 0; i < int8.Nodes.Count; i++)
        {
            var (a, b) = (int8.Nodes[i], read.Nodes[i]);
            Assert.AreEqual(a.Op, b.Op);
            Assert.AreEqual(a.Outputs[0].Name, b.Name);
            if (a.Options is not ReshapeOptions) Assert.AreEqual(a.Options, b.Options, a.Name);
        }

        foreach (var t in int8.Tensors)
        {
            var u = read.FindTensor(t.Name);
            CollectionAssert.AreEqual(t.Shape, u.Shape, t.Name);
            Assert.AreEqual(t.Type, u.Type, t.Name);
            Assert.AreEqual(t.Data is null, u.Data is null, t.Name);
            if (t.Data is not null) CollectionAssert.AreEqual(t.Data, u.Data, t.Name);
            CollectionAssert.AreEqual(t.Quant?.Scale, u.Quant?.Scale, t.Name);
            CollectionAssert.AreEqual(t.Quant?.ZeroPoint, u.Quant?.ZeroPoint, t.Name);
            Assert.AreEqual(t.Quant?.QuantizedDimension, u.Quant?.QuantizedDimension, t.Name);
        }

        CollectionAssert.AreEqual(bytes, TfLiteWriter.Write(read));
    }

    public static IEnumerable<object[]> GoogleModels =>
    [
        ["13_mnist_int8.tflite"],
        ["01_mobilenet_v2_0.35_224_food101_int8.tflite"],
        ["03_pretrainedResnet_quant_int8.tflite"],
        ["03_pretrainedResnet_float.tflite"],
        ["tf2_mobilenet_v2_1.0_224_ptq.tflite"],
    ];

    /// <summary>
    /// Google's converter output, read into our IR and written by our writer, computes bit-identically in TFLite,
    /// and our writer picks the same operator versions as Google's converter did.
    /// </summary>
    [TestMethod]
    [DynamicData(nameof(GoogleModels))]
    public void Googles_model_read_and_rewritten_by_us_computes_the_same_in_tflite(string file)
    {
        var path = RepoPaths.TfLiteModel(file);
        var graph = TfLiteReader.Read(path);
        var ours = TfLiteWriter.Write(graph);
        using var original = TfLiteRuntime.Load(path);
        using var rewritten = TfLiteRuntime.Load(ours);
        var r = new Random(7);
        for (int trial = 0; trial < 2; trial++)
        {
            var x = new byte[original.Inputs[0].ByteSize];
            r.NextBytes(x);
            if (original.Inputs[0].Type == TfLiteTensorType.Float32)
                x = System.Runtime.InteropServices.MemoryMarshal.AsBytes(RandomFloats(r, x.Length / 4).AsSpan()).ToArray();
            CollectionAssert.AreEqual(original.Run(x)[0], rewritten.Run(x)[0], $"{file} trial {trial}");
        }

        var google = TfLiteFlatModel.ReadFile(path).OperatorCodes.ToDictionary(c => c.BuiltinCode, c => c.Version);
        foreach (var code in TfLiteFlatModel.Read(ours).OperatorCodes)
            Assert.AreEqual(google[code.BuiltinCode], code.Version, $"{file}: version of {code.DisplayName}");
        Console.WriteLine($"{file}: {graph.Nodes.Count} ops; Google {new FileInfo(path).Length} bytes, ours {ours.Length} bytes");
    }

    [TestMethod]
    public void An_edgetpu_compiled_model_is_refused_by_the_ir_reader_as_MB1016_naming_the_file_and_its_custom_op()
    {
        var path = RepoPaths.TfLiteModel("13_mnist_int8_edgetpu.tflite");
        var ex = Assert.ThrowsExactly<ModelBuildException>(() => TfLiteReader.Read(path));
        Assert.AreEqual("MB1016", ex.Code);
        Assert.AreEqual(path, ex.File);
        StringAssert.Contains(ex.Message, "edgetpu-custom-op");
    }
}
