using ModelBuild.Core.Graph;
using ModelBuild.Core.Tests.Operators;
using ModelBuild.Core.TfLite;
using static ModelBuild.Core.Tests.Operators.OneOpOracle;

namespace ModelBuild.Core.Tests.Execution.Float;

/// <summary>TRANSPOSE_CONV in float: our kernel against TFLite 2.9's over strides, paddings, kernel sizes, with and without bias.</summary>
[TestClass]
public sealed class TransposeConvKernelTests
{
    public static IEnumerable<object[]> Cases => TransposeConvDefinitionTests.Cases;

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void Float_transpose_conv_matches_tflite(int[] inShape, int oc, int k, int stride, Padding padding, bool bias)
    {
        var g = TransposeConvDefinitionTests.OneTransposeConv(inShape, oc, k, stride, padding, bias, 7);
        Assert.AreEqual(bias ? 3 : 1, TfLiteOperatorVersions.Version(g.Nodes[0]), "float: version 3 only to carry a bias");
        FloatClose(g, 1e-5, 1);
    }
}
