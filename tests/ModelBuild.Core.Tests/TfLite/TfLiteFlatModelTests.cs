using ModelBuild.Core.Graph;
using ModelBuild.Core.TfLite;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.TfLite;

/// <summary>The low-level reader on Google-converted models from ../shared/models/tflite.</summary>
[TestClass]
public sealed class TfLiteFlatModelTests
{
    [TestMethod]
    public void Reads_the_structure_of_the_int8_mnist_model()
    {
        var flat = TfLiteFlatModel.ReadFile(RepoPaths.TfLiteModel("13_mnist_int8.tflite"));
        Assert.AreEqual(3u, flat.Version);
        Assert.HasCount(1, flat.Subgraphs);
        var sg = flat.Subgraphs[0];
        var input = sg.Tensors[sg.Inputs.Single()];
        CollectionAssert.AreEqual(new[] { 1, 28, 28, 1 }, input.Shape);
        Assert.AreEqual(TfLiteFlatTensorType.UInt8, input.Type);
        var ops = sg.Operators.Select(o => flat.OperatorCodes[(int)o.OpcodeIndex].DisplayName).ToList();
        CollectionAssert.Contains(ops, "Conv2D");
        CollectionAssert.Contains(ops, "FullyConnected");
        Assert.IsNotNull(flat.MinRuntimeVersion);
        Assert.IsTrue(flat.Buffers[0].Count == 0, "buffer 0 is the empty sentinel");

        // Every constant's buffer holds exactly shape × element size bytes.
        foreach (var t in sg.Tensors.Where(t => t.Buffer != 0 && flat.Buffers[(int)t.Buffer].Count > 0))
        {
            long n = t.Shape.Aggregate(1L, (a, d) => a * d);
            int size = t.Type switch { TfLiteFlatTensorType.Int8 or TfLiteFlatTensorType.UInt8 => 1, TfLiteFlatTensorType.Int64 => 8, _ => 4 };
            Assert.AreEqual(n * size, flat.Buffers[(int)t.Buffer].Count, t.Name);
        }
    }

    [TestMethod]
    public void Reads_the_custom_code_of_an_edgetpu_compiled_model()
    {
        var flat = TfLiteFlatModel.ReadFile(RepoPaths.TfLiteModel("13_mnist_int8_edgetpu.tflite"));
        var custom = flat.OperatorCodes.Where(c => c.IsCustom).Select(c => c.CustomCode).ToList();
        CollectionAssert.Contains(custom, "edgetpu-custom-op");
        var op = flat.Subgraphs[0].Operators.First(o => flat.OperatorCodes[(int)o.OpcodeIndex].IsCustom);
        Assert.IsNotNull(op.CustomOptions);
        Assert.IsGreaterThan(100, op.CustomOptions!.Length, "the compiled Edge TPU program travels in custom_options");
    }

    [TestMethod]
    public void Reads_google_mnist_into_the_ir_with_weights_and_quantization()
    {
        var g = TfLiteReader.Read(RepoPaths.TfLiteModel("13_mnist_int8.tflite"));
        Assert.AreEqual(DataType.UInt8, g.Inputs[0].Type);
        var conv = g.Nodes.First(n => n.Op == OpType.Conv2D);
        var w = conv.Inputs[1]!;
        Assert.AreEqual(DataType.Int8, w.Type);
        Assert.IsNotNull(w.Data);
        Assert.AreEqual(w.ElementCount, w.Data!.Length);
        Assert.IsNotNull(w.Quant);
        Assert.IsInstanceOfType<Conv2DOptions>(conv.Options);
    }

    [TestMethod]
    public void Summary_lists_operators_with_versions_and_quantized_io()
    {
        var summary = TfLiteFlatModel.ReadFile(RepoPaths.TfLiteModel("03_pretrainedResnet_quant_int8.tflite")).Summary();
        StringAssert.Contains(summary, "Conv2D v3 ×");
        StringAssert.Contains(summary, "input: input_1_int8 Int8[1x32x32x3] scale=");
        StringAssert.Contains(summary, "output: Identity_int8 Int8[1x10] scale=0.00390625 zero_point=-128");
    }

    [TestMethod]
    public void Rejects_a_truncated_model()
    {
        var bytes = File.ReadAllBytes(RepoPaths.TfLiteModel("13_mnist_int8.tflite"));
        foreach (var length in new[] { 12, 100, 4000, bytes.Length / 2 })
        {
            var ex = Assert.ThrowsExactly<InvalidDataException>(() => TfLiteReader.Read(bytes[..length]), $"{length} bytes");
            StringAssert.Contains(ex.Message, "corrupt TFLite flatbuffer");
        }
    }

    [TestMethod]
    public void WriteFile_replaces_the_target_and_leaves_no_temporary_file()
    {
        var dir = RepoPaths.NewScratchDirectory("tflite-writefile");
        var path = Path.Combine(dir, "m.tflite");
        File.WriteAllText(path, "old");
        var g = TfLiteReader.Read(RepoPaths.TfLiteModel("13_mnist_int8.tflite"));
        TfLiteWriter.WriteFile(g, path);
        CollectionAssert.AreEqual(TfLiteWriter.Write(g), File.ReadAllBytes(path));
        CollectionAssert.AreEqual(new[] { path }, Directory.GetFiles(dir));
    }

    [TestMethod]
    public void Rejects_a_file_that_is_not_a_tflite_model()
    {
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => TfLiteFlatModel.Read(new byte[32]));
        StringAssert.Contains(ex.Message, "not a TFLite model");
    }
}
