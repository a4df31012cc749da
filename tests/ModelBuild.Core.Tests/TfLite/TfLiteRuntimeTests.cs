using System.Text.Json;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.TfLite;

/// <summary>The P/Invoke harness around the real TFLite 2.9 runtime, on Google-converted models from ../shared.</summary>
[TestClass]
public sealed class TfLiteRuntimeTests
{
    [TestMethod]
    public void Runtime_reports_version_2_9()
    {
        StringAssert.StartsWith(TfLiteRuntime.Version, "2.9");
    }

    [TestMethod]
    public void Quantized_mnist_with_uint8_io_runs_and_agrees_with_the_keras_float_reference()
    {
        using var interpreter = TfLiteRuntime.Load(RepoPaths.TfLiteModel("13_mnist_int8.tflite"));
        var input = interpreter.Inputs.Single();
        var output = interpreter.Outputs.Single();
        // Google's converter kept uint8 input/output around the int8 body of this model.
        Assert.AreEqual(TfLiteTensorType.UInt8, input.Type);
        CollectionAssert.AreEqual(new[] { 1, 28, 28, 1 }, input.Shape);
        Assert.AreEqual(TfLiteTensorType.UInt8, output.Type);
        CollectionAssert.AreEqual(new[] { 1, 10 }, output.Shape);
        Assert.IsGreaterThan(0f, input.Scale);

        var x = ReferenceInput.For(input.Shape);
        var q = x.Select(v => (byte)Math.Clamp(Math.Round(v / input.Scale) + input.ZeroPoint, 0, 255)).ToArray();
        var y = interpreter.Run(q)[0].Select(v => output.Scale * (v - output.ZeroPoint)).ToArray();

        var reference = Reference("13_mnist_edgetpu_tutorial_k2.reference.json");
        Assert.AreEqual(ArgMax(reference), ArgMax(y), "top-1 of the int8 model vs the float Keras reference");
        NumericAssert.Close(reference, y, 0.05, "int8 vs float probabilities");
    }

    [TestMethod]
    public void Float_resnet_runs_with_a_softmax_output()
    {
        using var interpreter = TfLiteRuntime.Load(RepoPaths.TfLiteModel("03_pretrainedResnet_float.tflite"));
        var input = interpreter.Inputs.Single();
        Assert.AreEqual(TfLiteTensorType.Float32, input.Type);
        CollectionAssert.AreEqual(new[] { 1, 32, 32, 3 }, input.Shape);
        Assert.AreEqual(TfLiteTensorType.Float32, interpreter.Outputs.Single().Type);

        var y = interpreter.RunFloat(ReferenceInput.For(input.Shape));
        Assert.HasCount(10, y);
        Assert.AreEqual(1.0, y.Sum(), 1e-4, "softmax output sums to 1");
        Assert.IsTrue(y.All(v => v >= 0 && v <= 1));
    }

    [TestMethod]
    public void Xnnpack_and_builtin_kernels_agree_on_the_float_resnet()
    {
        var path = RepoPaths.TfLiteModel("03_pretrainedResnet_float.tflite");
        using var plain = TfLiteRuntime.Load(path);
        using var xnn = TfLiteRuntime.Load(path, new TfLiteInterpreterOptions(UseXnnPack: true));
        var x = ReferenceInput.For(plain.Inputs[0].Shape);
        var a = plain.RunFloat(x);
        var b = xnn.RunFloat(x);
        NumericAssert.Close(a, b, 1e-4, "builtin vs XNNPACK kernels");
    }

    [TestMethod]
    public void Garbage_bytes_are_rejected_with_a_clear_error()
    {
        var ex = Assert.ThrowsExactly<TfLiteRuntimeException>(() => TfLiteRuntime.Load(new byte[64]));
        StringAssert.Contains(ex.Message, "not a valid flatbuffer model");
    }

    [TestMethod]
    public void Wrong_input_size_is_refused_before_reaching_native_code()
    {
        using var interpreter = TfLiteRuntime.Load(RepoPaths.TfLiteModel("13_mnist_int8.tflite"));
        Assert.ThrowsExactly<ArgumentException>(() => interpreter.Run(new byte[3]));
    }

    private static float[] Reference(string file) =>
        JsonSerializer.Deserialize<float[]>(File.ReadAllText(Path.Combine(RepoPaths.KerasModels, file)))!;

    private static int ArgMax(float[] v) => Array.IndexOf(v, v.Max());
}
