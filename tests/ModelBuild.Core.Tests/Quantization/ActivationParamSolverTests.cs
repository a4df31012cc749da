using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Quantization;

namespace ModelBuild.Core.Tests.Quantization;

/// <summary>Which tensors share (scale, zero point) and from which calibrated ranges.</summary>
[TestClass]
public sealed class ActivationParamSolverTests
{
    private static Tensor Runtime(string name, int channels = 2) => new(name, [1, 2, 2, channels]);

    private static CalibrationResult Ranges(params (string Name, float Min, float Max)[] ranges)
    {
        var result = new CalibrationResult();
        foreach (var (name, min, max) in ranges) result.Set(name, min, max);
        return result;
    }

    private static void AssertParams((float Scale, long ZeroPoint) expected, QuantParams actual, string what)
    {
        Assert.AreEqual(expected.Scale, actual.Scale[0], 1e-9f, what);
        Assert.AreEqual(expected.ZeroPoint, actual.ZeroPoint[0], what);
    }

    [TestMethod]
    public void An_op_with_its_own_range_gets_the_asymmetric_parameters_of_that_range()
    {
        var x = Runtime("x");
        var y = Runtime("y");
        var graph = new ModelGraph("g", [x], [y], [new Node("relu", OpType.Relu, [x], [y])]);

        var p = ActivationParamSolver.Solve(graph, Ranges(("x", -1f, 3f), ("y", 0f, 5f)));

        AssertParams((4f / 255, -64), p[x], "x");
        AssertParams((5f / 255, -128), p[y], "y");
    }

    [TestMethod]
    public void A_tensor_read_only_by_a_clip_takes_the_clips_range_not_its_own()
    {
        // relu → MINIMUM(·, [1, 3]): the ReLU output reached 10, the clipped one 3. Both share parameters (MINIMUM does
        // not rescale); values above 3 would be clipped anyway, so the shared range is the clip's [0, 3].
        var x = Runtime("x");
        var r = Runtime("r");
        var y = Runtime("y");
        var levels = new Tensor("levels", [2], DataType.Float32, new float[] { 1f, 3f });
        var graph = new ModelGraph("g", [x], [y],
        [
            new Node("relu", OpType.Relu, [x], [r]),
            new Node("clip", OpType.Minimum, [r, levels], [y]),
        ]);

        var p = ActivationParamSolver.Solve(graph, Ranges(("x", -1f, 3f), ("r", 0f, 10f), ("y", 0f, 3f)));

        AssertParams((3f / 255, -128), p[r], "r");
        AssertParams((3f / 255, -128), p[y], "y");
    }

    [TestMethod]
    public void A_softmax_input_is_widened_by_the_margin_and_other_tensors_are_not()
    {
        var x = Runtime("x");
        var logits = Runtime("logits");
        var y = Runtime("y");
        var graph = new ModelGraph("g", [x], [y],
        [
            new Node("relu", OpType.Relu, [x], [logits]),
            new Node("softmax", OpType.Softmax, [logits], [y], new SoftmaxOptions()),
        ]);
        var ranges = Ranges(("x", -1f, 3f), ("logits", -2f, 4f), ("y", 0f, 1f));

        var plain = ActivationParamSolver.Solve(graph, ranges);
        var widened = ActivationParamSolver.Solve(graph, ranges, softmaxInputMargin: 1.5f);

        Assert.AreEqual(6f / 255, plain[logits].Scale[0], 1e-9f, "calibrated range [-2, 4]");
        Assert.AreEqual(9f / 255, widened[logits].Scale[0], 1e-9f, "[-3, 6]");
        Assert.AreEqual(plain[x].Scale[0], widened[x].Scale[0], "the model input keeps its range");
    }

    [TestMethod]
    public void Concatenation_inputs_and_output_share_the_union_of_their_ranges()
    {
        var a = Runtime("a");
        var b = Runtime("b");
        var ra = Runtime("ra");
        var rb = Runtime("rb");
        var c = Runtime("c", 4);
        var graph = new ModelGraph("g", [a, b], [c],
        [
            new Node("relu_a", OpType.Relu, [a], [ra]),
            new Node("relu_b", OpType.Relu, [b], [rb]),
            new Node("concat", OpType.Concatenation, [ra, rb], [c], new ConcatenationOptions(3)),
        ]);

        var p = ActivationParamSolver.Solve(graph, Ranges(("a", -1f, 3f), ("b", -1f, 1f), ("ra", 0f, 2f), ("rb", -0.5f, 1f), ("c", 0f, 1.5f)));

        // The union of ra, rb and c is [-0.5, 2]: scale 2.5 / 255, zero point -128 + 0.5 / scale = -77.
        foreach (var t in new[] { ra, rb, c }) AssertParams((2.5f / 255, -77), p[t], t.Name);
        AssertParams((4f / 255, -64), p[a], "an input outside the group keeps its own range");
    }

    [TestMethod]
    public void A_pool_shares_its_input_parameters()
    {
        var x = Runtime("x");
        var y = new Tensor("y", [1, 1, 1, 2]);
        var graph = new ModelGraph("g", [x], [y], [new Node("pool", OpType.MaxPool2D, [x], [y], new Pool2DOptions(Padding.Valid, 2, 2, 2, 2))]);

        var p = ActivationParamSolver.Solve(graph, Ranges(("x", -2f, 6f), ("y", 0f, 1f)));

        Assert.AreSame(p[x], p[y]);
        AssertParams((8f / 255, -64), p[y], "the union of [-2, 6] and [0, 1]");
    }

    [TestMethod]
    public void A_softmax_output_gets_the_fixed_parameters_whatever_its_range()
    {
        var x = new Tensor("x", [1, 4]);
        var y = new Tensor("y", [1, 4]);
        var graph = new ModelGraph("g", [x], [y], [new Node("softmax", OpType.Softmax, [x], [y], new SoftmaxOptions())]);

        var p = ActivationParamSolver.Solve(graph, Ranges(("x", -5f, 5f), ("y", 0.1f, 0.3f)));

        AssertParams((1f / 256, -128), p[y], "softmax");
    }

    [TestMethod]
    public void Two_different_fixed_outputs_in_one_group_are_MB3003()
    {
        var x = new Tensor("x", [1, 4]);
        var s = new Tensor("s", [1, 4]);
        var t = new Tensor("t", [1, 4]);
        var c = new Tensor("c", [1, 8]);
        var graph = new ModelGraph("g", [x], [c],
        [
            new Node("softmax", OpType.Softmax, [x], [s], new SoftmaxOptions()),
            new Node("tanh", OpType.Tanh, [x], [t]),
            new Node("concat", OpType.Concatenation, [s, t], [c], new ConcatenationOptions(1)),
        ]);

        var e = Assert.ThrowsExactly<ModelBuildException>(() => ActivationParamSolver.Solve(graph, Ranges(("x", -1f, 1f), ("s", 0f, 1f), ("t", -1f, 1f), ("c", -1f, 1f))));

        Assert.AreEqual("MB3003", e.Code);
        StringAssert.Contains(e.Message, "'s'");
        StringAssert.Contains(e.Message, "'t'");
    }

    [TestMethod]
    public void A_model_input_without_a_range_is_MB3001_naming_it_as_the_model_input()
    {
        var x = Runtime("x");
        var y = Runtime("y");
        var graph = new ModelGraph("g", [x], [y], [new Node("relu", OpType.Relu, [x], [y])]);

        var e = Assert.ThrowsExactly<ModelBuildException>(() => ActivationParamSolver.Solve(graph, Ranges(("y", 0f, 1f))));

        Assert.AreEqual("MB3001", e.Code);
        StringAssert.Contains(e.Message, "'x' (model input)");
    }
}
