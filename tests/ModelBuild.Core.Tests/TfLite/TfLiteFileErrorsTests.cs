using Google.FlatBuffers;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.TfLite;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.TfLite;

/// <summary>A .tflite given by path that ModelBuild cannot read: MB1015 (damaged) or MB1016 (unsupported), naming the file.</summary>
[TestClass]
public sealed class TfLiteFileErrorsTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("tflite-file-errors");

    private static string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [TestMethod]
    public void A_readable_model_is_read_with_its_subgraph()
    {
        var flat = TfLiteFileErrors.ReadFlat(RepoPaths.TfLiteModel("13_mnist_int8.tflite"));
        Assert.HasCount(1, flat.Subgraphs);
        Assert.IsGreaterThan(0, flat.Subgraphs[0].Operators.Count);
    }

    [TestMethod]
    public void A_truncated_model_is_MB1015_naming_the_file_and_what_to_do()
    {
        var bytes = File.ReadAllBytes(RepoPaths.TfLiteModel("13_mnist_int8.tflite"));
        var path = Write("truncated.tflite", bytes[..(bytes.Length / 2)]);
        var e = Assert.ThrowsExactly<ModelBuildException>(() => TfLiteFileErrors.ReadFlat(path));
        Assert.AreEqual(("MB1015", path), (e.Code, e.File));
        StringAssert.Contains(e.Message, "is not a readable TFLite model (");
        StringAssert.Contains(e.Message, "copy it again or convert the model again");
        Assert.IsInstanceOfType<InvalidDataException>(e.InnerException);
    }

    [TestMethod]
    public void A_file_without_the_tflite_identifier_is_MB1015()
    {
        var path = Write("not-a-model.tflite", "just some text, not a flatbuffer"u8.ToArray());
        var e = Assert.ThrowsExactly<ModelBuildException>(() => TfLiteFileErrors.ReadFlat(path));
        Assert.AreEqual("MB1015", e.Code);
        StringAssert.Contains(e.Message, "not a TFLite model");
    }

    [TestMethod]
    public void A_model_without_a_subgraph_is_MB1015_saying_so()
    {
        var b = new FlatBufferBuilder(64);
        b.StartTable(1);
        b.Finish(b.EndTable(), "TFL3");
        var path = Write("no-subgraph.tflite", b.SizedByteArray());
        var e = Assert.ThrowsExactly<ModelBuildException>(() => TfLiteFileErrors.ReadFlat(path));
        Assert.AreEqual("MB1015", e.Code);
        StringAssert.Contains(e.Message, "the model has no subgraph");
    }

    [TestMethod]
    public void Unsupported_file_is_MB1016_carrying_the_reason_and_what_to_give_instead()
    {
        var e = TfLiteFileErrors.UnsupportedFile("/m/x.tflite", new NotSupportedException("operator 'FOO' is not supported"));
        Assert.AreEqual(("MB1016", "/m/x.tflite"), (e.Code, e.File));
        StringAssert.Contains(e.Message, "(operator 'FOO' is not supported)");
        StringAssert.Contains(e.Message, "not an Edge TPU compiled model");
    }
}
