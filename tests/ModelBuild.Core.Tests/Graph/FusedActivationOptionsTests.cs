using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Tests.Graph;

/// <summary>An op's options with one fused activation swapped for another: which ops fuse one, and only from the expected one.</summary>
[TestClass]
public sealed class FusedActivationOptionsTests
{
    private static Node Op(OpType op, OpOptions? options) =>
        new("op", op, [new Tensor("x", [1, 2, 2, 3])], [new Tensor("y", [1, 2, 2, 3])], options);

    private static FusedActivation ActivationOf(OpOptions? options) => options switch
    {
        Conv2DOptions o => o.Activation,
        DepthwiseConv2DOptions o => o.Activation,
        FullyConnectedOptions o => o.Activation,
        ElementwiseOptions o => o.Activation,
        _ => throw new AssertFailedException($"no fused activation in {options}"),
    };

    public static IEnumerable<object[]> FusingOps =>
    [
        [OpType.Conv2D, new Conv2DOptions(Padding.Same, 2, 1, DilationH: 2)],
        [OpType.DepthwiseConv2D, new DepthwiseConv2DOptions(Padding.Valid, 1, 2, DepthMultiplier: 1)],
        [OpType.FullyConnected, new FullyConnectedOptions(KeepNumDims: true)],
        [OpType.Add, new ElementwiseOptions()],
        [OpType.Sub, new ElementwiseOptions()],
        [OpType.Mul, new ElementwiseOptions()],
    ];

    [TestMethod]
    [DynamicData(nameof(FusingOps))]
    public void Each_op_that_fuses_an_activation_gets_the_new_one_and_keeps_its_other_options(OpType op, OpOptions options)
    {
        var node = Op(op, options);

        var replaced = FusedActivationOptions.Replace(node, FusedActivation.None, FusedActivation.Relu6);

        Assert.IsNotNull(replaced);
        Assert.AreEqual(FusedActivation.Relu6, ActivationOf(replaced));
        Assert.AreEqual(options, FusedActivationOptions.Replace(Op(op, replaced), FusedActivation.Relu6, FusedActivation.None), "the other options are kept");
        Assert.AreSame(options, node.Options, "the node itself is not changed");
    }

    [TestMethod]
    [DynamicData(nameof(FusingOps))]
    public void An_op_whose_activation_is_not_the_expected_one_is_refused(OpType op, OpOptions options)
    {
        var node = Op(op, FusedActivationOptions.Replace(Op(op, options), FusedActivation.None, FusedActivation.Relu));

        Assert.IsNull(FusedActivationOptions.Replace(node, FusedActivation.None, FusedActivation.Relu6), "already has a ReLU");
        Assert.AreEqual(FusedActivation.Relu6, ActivationOf(FusedActivationOptions.Replace(node, FusedActivation.Relu, FusedActivation.Relu6)));
    }

    [TestMethod]
    public void A_relu6_becomes_a_relu()
    {
        var node = Op(OpType.Conv2D, new Conv2DOptions(Padding.Same, 1, 1, Activation: FusedActivation.Relu6));

        Assert.AreEqual(FusedActivation.Relu, ActivationOf(FusedActivationOptions.Replace(node, FusedActivation.Relu6, FusedActivation.Relu)));
    }

    [TestMethod]
    public void Ops_that_cannot_fuse_an_activation_are_refused()
    {
        Assert.IsNull(FusedActivationOptions.Replace(Op(OpType.Maximum, new ElementwiseOptions()), FusedActivation.None, FusedActivation.Relu), "MAXIMUM read from a .tflite has elementwise options but no fused activation");
        Assert.IsNull(FusedActivationOptions.Replace(Op(OpType.MaxPool2D, new Pool2DOptions(Padding.Valid, 2, 2, 2, 2)), FusedActivation.None, FusedActivation.Relu));
        Assert.IsNull(FusedActivationOptions.Replace(Op(OpType.Concatenation, new ConcatenationOptions(3)), FusedActivation.None, FusedActivation.Relu));
        Assert.IsNull(FusedActivationOptions.Replace(Op(OpType.Minimum, null), FusedActivation.None, FusedActivation.Relu));
    }

    [TestMethod]
    public void The_activation_an_op_fuses_is_read_from_every_kind_of_options_that_carries_one()
    {
        Assert.AreEqual(FusedActivation.Relu6, FusedActivationOptions.Of(Op(OpType.Conv2D, new Conv2DOptions(Padding.Same, 1, 1, Activation: FusedActivation.Relu6))));
        Assert.AreEqual(FusedActivation.Relu, FusedActivationOptions.Of(Op(OpType.DepthwiseConv2D, new DepthwiseConv2DOptions(Padding.Same, 1, 1, DepthMultiplier: 1, Activation: FusedActivation.Relu))));
        Assert.AreEqual(FusedActivation.ReluN1To1, FusedActivationOptions.Of(Op(OpType.FullyConnected, new FullyConnectedOptions(Activation: FusedActivation.ReluN1To1))));
        Assert.AreEqual(FusedActivation.Relu, FusedActivationOptions.Of(Op(OpType.Add, new ElementwiseOptions(FusedActivation.Relu))));
        Assert.AreEqual(FusedActivation.Relu6, FusedActivationOptions.Of(Op(OpType.Concatenation, new ConcatenationOptions(3, FusedActivation.Relu6))));
        Assert.AreEqual(FusedActivation.Relu, FusedActivationOptions.Of(Op(OpType.MaxPool2D, new Pool2DOptions(Padding.Valid, 2, 2, 2, 2, FusedActivation.Relu))));
        Assert.AreEqual(FusedActivation.None, FusedActivationOptions.Of(Op(OpType.Softmax, new SoftmaxOptions())));
        Assert.AreEqual(FusedActivation.None, FusedActivationOptions.Of(Op(OpType.Minimum, null)));
    }
}
