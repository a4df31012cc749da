using ModelBuild.Core.EdgeTpu;
using ModelBuild.Core.Graph;
using ModelBuild.Core.TfLite;
using static ModelBuild.Core.Tests.TestGraphs.EdgeTpuTestGraphs;

namespace ModelBuild.Core.Tests.EdgeTpu;

/// <summary>
/// Coral's per-operator rules, one rule per test: each one-op int8 model is written by our TfLiteWriter, read back
/// as a flat model, and its operator checked (the rules against the real compiler's logs: EdgeTpuStaticCheckTests).
/// </summary>
[TestClass]
public sealed class EdgeTpuOperatorRulesTests
{
    private static EdgeTpuRuleViolation? CheckOnly(Node node, Func<TfLiteFlatOperatorCode, TfLiteFlatOperatorCode>? code = null)
    {
        var graph = new ModelGraph("one", node.Inputs.Where(t => t is { Data: null }).Select(t => t!).ToList(), node.Outputs, [node]);
        var model = TfLiteFlatModel.Read(TfLiteWriter.Write(graph));
        var sg = model.Subgraphs[0];
        var op = sg.Operators.Single();
        var c = model.OperatorCodes[(int)op.OpcodeIndex];
        return EdgeTpuOperatorRules.Check(model, sg, op, code is null ? c : code(c));
    }

    private static Node Pool(FusedActivation activation) =>
        new("pool", OpType.MaxPool2D, [Act("x", 1, 8, 8, 4)], [Act("pool", 1, 4, 4, 4)], new Pool2DOptions(Padding.Valid, 2, 2, 2, 2, activation));

    private static Node Conv(int kh, int kw, int dilationH, int dilationW) =>
        new("conv", OpType.Conv2D, [Act("x", 1, 12, 12, 3), Weights("w", 4, kh, kw, 3), Bias("b", 4)], [Act("conv", 1, 12, 12, 4)],
            new Conv2DOptions(Padding.Same, 1, 1, dilationH, dilationW));

    private static void AssertViolation(EdgeTpuRuleViolation? v, string status, string detail)
    {
        Assert.IsNotNull(v, "expected a violation");
        Assert.AreEqual(status, v.CompilerStatus);
        StringAssert.Contains(v.Detail, detail);
    }

    [TestMethod]
    public void Int8_conv_with_equal_dilation_meets_every_rule() => Assert.IsNull(CheckOnly(Conv(3, 3, 2, 2)));

    [TestMethod]
    public void Conv_with_unequal_dilation_and_a_kernel_spanning_x_and_y_is_not_mapped() =>
        AssertViolation(CheckOnly(Conv(3, 3, 2, 1)), EdgeTpuOperatorRules.UnspecifiedLimitation, "CONV_2D dilation 2x1 differs between x and y");

    [TestMethod]
    public void Conv_with_unequal_dilation_along_a_one_wide_kernel_is_mapped() => Assert.IsNull(CheckOnly(Conv(3, 1, 2, 1)));

    [TestMethod]
    public void Pool_without_fused_activation_is_mapped() => Assert.IsNull(CheckOnly(Pool(FusedActivation.None)));

    [TestMethod]
    public void Pool_with_a_fused_activation_is_not_mapped() =>
        AssertViolation(CheckOnly(Pool(FusedActivation.Relu)), EdgeTpuOperatorRules.UnspecifiedLimitation, "MAX_POOL_2D with a fused Relu activation");

    [TestMethod]
    public void Operator_version_above_the_compilers_table_is_not_supported() =>
        AssertViolation(CheckOnly(Pool(FusedActivation.None), c => c with { Version = 4 }), EdgeTpuOperatorRules.NotSupported,
            "MAX_POOL_2D version 4 is newer than the Edge TPU compiler accepts (at most 3)");

    [TestMethod]
    public void Builtin_outside_the_supported_table_is_not_supported() =>
        AssertViolation(CheckOnly(Pool(FusedActivation.None), c => c with { BuiltinCode = 42 }), EdgeTpuOperatorRules.NotSupported,
            "DIV is not in the Edge TPU's supported-operations table");

    [TestMethod]
    public void Custom_operator_is_not_supported() =>
        AssertViolation(CheckOnly(Pool(FusedActivation.None), c => c with { BuiltinCode = (int)TfLiteBuiltinOperator.Custom, CustomCode = "MyOp" }),
            EdgeTpuOperatorRules.NotSupported, "custom operator 'MyOp'");

    [TestMethod]
    public void Float_activation_is_an_unsupported_data_type()
    {
        var node = new Node("relu", OpType.Relu, [new Tensor("x", [1, 4, 4, 3])], [new Tensor("relu", [1, 4, 4, 3])]);
        AssertViolation(CheckOnly(node), EdgeTpuOperatorRules.UnsupportedDataType, "tensor 'x' is Float32");
    }

    [TestMethod]
    public void Mean_over_the_channels_is_not_mapped_but_over_x_and_y_is()
    {
        Node Mean(params int[] axes) => new("mean", OpType.Mean, [Act("x", 1, 5, 5, 6), Ints("axes", axes)],
            [Act("mean", axes.Contains(3) ? [1, 5, 5] : [1, 6])], new ReducerOptions(false));
        Assert.IsNull(CheckOnly(Mean(1, 2)));
        AssertViolation(CheckOnly(Mean(3)), EdgeTpuOperatorRules.UnspecifiedLimitation, "MEAN reduces along dimensions other than x and y");
    }

    [TestMethod]
    public void Reduce_max_over_the_batch_is_not_mapped()
    {
        var node = new Node("max", OpType.ReduceMax, [Act("x", 1, 5, 5, 6), Ints("axes", 0)], [Act("max", 5, 5, 6)], new ReducerOptions(false));
        AssertViolation(CheckOnly(node), EdgeTpuOperatorRules.UnspecifiedLimitation, "REDUCE_MAX reduces along the batch dimension");
    }

    [TestMethod]
    public void Pad_of_the_channels_is_not_mapped_but_of_x_and_y_is()
    {
        Node Pad(int channels) => new("pad", OpType.Pad, [Act("x", 1, 4, 4, 3), new Tensor("p", [4, 2], DataType.Int32, new[] { 0, 0, 1, 1, 1, 1, 0, channels })],
            [Act("pad", 1, 6, 6, 3 + channels)]);
        Assert.IsNull(CheckOnly(Pad(0)));
        AssertViolation(CheckOnly(Pad(2)), EdgeTpuOperatorRules.UnspecifiedLimitation, "PAD pads dimensions other than x and y");
    }

    [TestMethod]
    public void Softmax_over_more_than_one_dimension_is_not_mapped()
    {
        Node Softmax(params int[] shape) => new("sm", OpType.Softmax, [Act("x", shape)], [Act("sm", shape)], new SoftmaxOptions());
        Assert.IsNull(CheckOnly(Softmax(1, 10)));
        AssertViolation(CheckOnly(Softmax(1, 4, 3)), EdgeTpuOperatorRules.UnspecifiedLimitation, "SOFTMAX input [1,4,3] is not 1-D");
    }

    [TestMethod]
    public void Softmax_of_more_than_16000_elements_is_not_mapped() =>
        AssertViolation(CheckOnly(new Node("sm", OpType.Softmax, [Act("x", 1, 16001)], [Act("sm", 1, 16001)], new SoftmaxOptions())),
            EdgeTpuOperatorRules.UnspecifiedLimitation, "at most 16000 elements");

    [TestMethod]
    public void Concatenation_with_a_fused_activation_is_not_mapped()
    {
        var node = new Node("cat", OpType.Concatenation, [Act("a", 1, 4, 4, 3), Act("b", 1, 4, 4, 2)], [Act("cat", 1, 4, 4, 5)],
            new ConcatenationOptions(3, FusedActivation.Relu6));
        AssertViolation(CheckOnly(node), EdgeTpuOperatorRules.UnspecifiedLimitation, "CONCATENATION with a fused Relu6 activation");
    }

    [TestMethod]
    public void Resize_from_a_one_by_one_input_is_left_to_the_cpu()
    {
        Node Resize(int h, int w) => new("up", OpType.ResizeNearestNeighbor, [Act("x", 1, h, w, 3), Ints("size", 4, 4)], [Act("up", 1, 4, 4, 3)], new ResizeOptions());
        Assert.IsNull(CheckOnly(Resize(2, 2)));
        AssertViolation(CheckOnly(Resize(1, 1)), EdgeTpuOperatorRules.UnspecifiedLimitation, "RESIZE_NEAREST_NEIGHBOR from a 1x1 input");
    }

    [TestMethod]
    public void Fully_connected_with_a_two_dimensional_output_is_not_mapped()
    {
        var node = new Node("fc", OpType.FullyConnected, [Act("x", 1, 3, 8), Weights("w", 5, 8), Bias("b", 5)], [Act("fc", 1, 3, 5)],
            new FullyConnectedOptions(KeepNumDims: true));
        AssertViolation(CheckOnly(node), EdgeTpuOperatorRules.UnspecifiedLimitation, "FULLY_CONNECTED output [1,3,5] is not one-dimensional");
    }
}
