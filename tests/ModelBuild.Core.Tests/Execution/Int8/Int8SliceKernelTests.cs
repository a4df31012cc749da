using ModelBuild.Core.Execution;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.Tests.Operators;
using ModelBuild.Core.TfLite;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.Execution.Int8TestHelpers;

namespace ModelBuild.Core.Tests.Execution.Int8;

/// <summary>SLICE in int8: the input's parameters kept, bit-identical to TFLite 2.9.</summary>
[TestClass]
public sealed class Int8SliceKernelTests
{
    [TestMethod]
    public void Int8_slice_keeps_the_input_quantization_and_is_bit_identical_to_tflite()
    {
        var g = SliceDefinitionTests.OneSlice([1, 9, 8, 5], [0, 3, 2, 0], [1, 4, 5, 5]);
        var int8 = Quantizer.Quantize(g, CalibrateRandom(g, 4, 7));
        Assert.AreEqual(int8.Inputs[0].Quant, int8.Outputs[0].Quant);
        Assert.AreEqual(2, TfLiteOperatorVersions.Version(int8.Nodes[0]));
        using var tflite = TfLiteRuntime.Load(TfLiteWriter.Write(int8));
        var ours = new Int8Executor(int8);
        var r = new Random(3);
        for (int trial = 0; trial < 4; trial++)
        {
            var x = RandomInt8((int)int8.Inputs[0].ElementCount, r);
            CollectionAssert.AreEqual(tflite.RunInt8(x), ours.Run(x), $"trial {trial}");
        }
    }
}
