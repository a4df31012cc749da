using ModelBuild.Core.Graph;
using ModelBuild.Core.Operators;
using static ModelBuild.Core.Tests.TestGraphs.EdgeTpuTestGraphs;

namespace ModelBuild.Core.Tests.Operators;

/// <summary>The zero bias the writer gives a convolution without one (TFLite 2.9 refuses a missing bias): float, or int32 at input × weight scale.</summary>
[TestClass]
public sealed class ZeroBiasTests
{
    [TestMethod]
    public void A_node_with_a_bias_keeps_its_inputs()
    {
        var n = new Node("conv", OpType.Conv2D, [Act("x", 1, 4, 4, 3), Weights("w", 2, 1, 1, 3), Bias("b", 2)], [Act("conv", 1, 4, 4, 2)]);
        Assert.AreSame(n.Inputs, ZeroBias.Ensure(n));
    }

    [TestMethod]
    public void Float_conv_without_bias_gets_a_float_zero_bias_per_output_channel()
    {
        var n = new Node("conv", OpType.Conv2D, [new Tensor("x", [1, 4, 4, 3]), new Tensor("w", [5, 1, 1, 3], DataType.Float32, new float[15])],
            [new Tensor("conv", [1, 4, 4, 5])]);
        var bias = ZeroBias.Ensure(n)[2]!;
        Assert.AreEqual(("conv/zero_bias", DataType.Float32), (bias.Name, bias.Type));
        CollectionAssert.AreEqual(new float[5], bias.FloatData);
    }

    [TestMethod]
    public void Int8_conv_without_bias_gets_an_int32_zero_bias_at_input_times_weight_scale_per_channel()
    {
        var w = Weights("w", 2, 1, 1, 3);
        w.Quant = new QuantParams([0.5f, 0.25f], [0, 0], 0);
        var n = new Node("conv", OpType.Conv2D, [Act("x", 1, 4, 4, 3), w, null], [Act("conv", 1, 4, 4, 2)]);
        var inputs = ZeroBias.Ensure(n);
        Assert.HasCount(3, inputs);
        var bias = inputs[2]!;
        Assert.AreEqual(DataType.Int32, bias.Type);
        CollectionAssert.AreEqual(new int[2], bias.Int32Data);
        CollectionAssert.AreEqual(new[] { 0.05f * 0.5f, 0.05f * 0.25f }, bias.Quant!.Scale);
        CollectionAssert.AreEqual(new long[2], bias.Quant.ZeroPoint);
    }

    [TestMethod]
    public void Int8_weights_without_quantization_are_refused_naming_the_node_and_the_weights()
    {
        var w = Weights("w", 2, 1, 1, 3);
        w.Quant = null;
        var n = new Node("conv", OpType.Conv2D, [Act("x", 1, 4, 4, 3), w], [Act("conv", 1, 4, 4, 2)]);
        var e = Assert.ThrowsExactly<ArgumentException>(() => ZeroBias.Ensure(n));
        StringAssert.Contains(e.Message, "Node 'conv': int8 weights 'w' have no quantization.");
    }
}
