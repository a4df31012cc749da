using ModelBuild.Core.Graph;
using ModelBuild.Core.Tests.Operators;
using ModelBuild.Core.TfLite;
using static ModelBuild.Core.Tests.Operators.OneOpOracle;

namespace ModelBuild.Core.Tests.Execution.Int8;

/// <summary>RESIZE_BILINEAR in int8: bit-identical to TFLite 2.9 (half-pixel, align-corners, up and down), the output on the input's parameters.</summary>
[TestClass]
public sealed class Int8ResizeBilinearKernelTests
{
    public static IEnumerable<object[]> Cases => ResizeBilinearDefinitionTests.Cases;

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void Int8_resize_is_bit_identical_to_tflite_on_the_inputs_parameters(int[] inShape, int oh, int ow, bool halfPixel, bool alignCorners)
    {
        var g = ResizeBilinearDefinitionTests.OneResize(inShape, oh, ow, new ResizeOptions(alignCorners, halfPixel));
        var int8 = Int8BitIdentical(g, 2, trials: 8);
        Assert.AreEqual(int8.Inputs[0].Quant, int8.Outputs[0].Quant);
        Assert.AreEqual(halfPixel ? 3 : 2, TfLiteOperatorVersions.Version(int8.Nodes[0]));
    }
}
