using System.Text.Json.Nodes;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Tests.Execution;
using ModelBuild.Core.Tests.Keras;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.Keras.KerasTestModel;
using static ModelBuild.Core.Tests.Operators.OneOpOracle;

namespace ModelBuild.Core.Tests.Operators;

/// <summary>SOFTMAX over the last axis of a tensor of any rank, float and int8 against TFLite 2.9, and the Keras forms.</summary>
[TestClass]
public sealed class SoftmaxDefinitionTests
{
    public static IEnumerable<object[]> OneOpRows => Int8OneOpAgreement.RowsOf(nameof(SoftmaxDefinitionTests));

    [TestMethod]
    [DynamicData(nameof(OneOpRows))]
    public void One_op_int8_model_matches_float_within_two_output_steps(string name) =>
        Int8OneOpAgreement.AssertMatchesFloatWithinTwoOutputSteps(name);

    [TestMethod]
    [DynamicData(nameof(OneOpRows))]
    public void Model_read_back_from_tflite_runs_identically(string name) => Int8OneOpAgreement.AssertReadBackRunsIdentically(name);

    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("softmax");

    private static ModelGraph OneSoftmax(params int[] shape)
    {
        var x = new Tensor("x", shape);
        return OneNode("softmax_r" + shape.Length, OpType.Softmax, [x], [x], new SoftmaxOptions());
    }

    [TestMethod]
    [DataRow(new[] { 1, 10 })]
    [DataRow(new[] { 1, 5, 7 })]
    [DataRow(new[] { 1, 3, 4, 6 })]
    public void Softmax_of_any_rank_matches_tflite_in_float_and_bit_for_bit_in_int8(int[] shape)
    {
        var g = OneSoftmax(shape);
        FloatClose(g, 1e-6, 1);
        var int8 = Int8BitIdentical(g, 2, amplitude: 4);
        Assert.AreEqual(1f / 256, int8.Outputs[0].Quant!.Scale[0]);
    }

    [TestMethod]
    public void Float_softmax_of_a_rank4_tensor_normalizes_each_last_axis_row()
    {
        var g = OneSoftmax(1, 2, 2, 3);
        var x = Enumerable.Range(0, 12).Select(i => (float)(i % 5) - 2).ToArray();
        var y = new FloatExecutor(g).Run(x);
        for (int row = 0; row < 4; row++)
        {
            var e = x.Skip(row * 3).Take(3).Select(v => Math.Exp(v)).ToArray();
            for (int k = 0; k < 3; k++) Assert.AreEqual(e[k] / e.Sum(), y[row * 3 + k], 1e-6);
        }
    }

    [TestMethod]
    public void Keras_softmax_layer_and_activation_on_a_rank4_tensor_become_one_softmax()
    {
        var path = new KerasTestModel()
            .Input("x", 3, 4, 5)
            .Layer("Softmax", "sm", Cfg(("axis", -1)), "x")
            .Layer("Activation", "act", Cfg(("activation", "softmax")), "sm")
            .Write(Path.Combine(_dir, "softmax_rank4.h5"), "act");
        var g = KerasModelReader.Read(path);
        Assert.AreEqual("Softmax Softmax", string.Join(" ", g.Nodes.Select(n => n.Op)));
        CollectionAssert.AreEqual(new[] { 1, 3, 4, 5 }, g.Outputs[0].Shape);
    }

    [TestMethod]
    public void Keras_softmax_over_another_axis_is_mb1003_saying_so()
    {
        var path = new KerasTestModel()
            .Input("x", 3, 4, 5)
            .Layer("Softmax", "sm", Cfg(("axis", new JsonArray(1))), "x")
            .Write(Path.Combine(_dir, "softmax_axis1.h5"), "sm");
        var e = Assert.ThrowsExactly<ModelBuildException>(() => KerasModelReader.Read(path));
        Assert.AreEqual("MB1003", e.Code);
        StringAssert.Contains(e.Message, "'sm' (Softmax) over an axis other than the last is not supported");
    }
}
