using ModelBuild.Core.Graph;
using ModelBuild.Core.Tests.Operators;
using ModelBuild.Core.TfLite;
using static ModelBuild.Core.Tests.Operators.OneOpOracle;

namespace ModelBuild.Core.Tests.Execution.Int8;

/// <summary>TRANSPOSE_CONV in int8: bit-identical to TFLite 2.9 over strides, paddings, kernel sizes, with and without bias.</summary>
[TestClass]
public sealed class Int8TransposeConvKernelTests
{
    public static IEnumerable<object[]> Cases => TransposeConvDefinitionTests.Cases;

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void Int8_transpose_conv_is_bit_identical_to_tflite(int[] inShape, int oc, int k, int stride, Padding padding, bool bias)
    {
        var g = TransposeConvDefinitionTests.OneTransposeConv(inShape, oc, k, stride, padding, bias, 7);
        var int8 = Int8BitIdentical(g, 2, trials: 4);
        Assert.AreEqual(3, TfLiteOperatorVersions.Version(int8.Nodes[0]), "int8: the quantizer always gives an int32 bias");
        Assert.HasCount(oc, int8.Nodes[0].Inputs[1]!.Quant!.Scale, "per-channel weights");
    }
}
