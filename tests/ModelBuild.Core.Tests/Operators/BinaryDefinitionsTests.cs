using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Tests.Execution;
using ModelBuild.Core.Tests.Keras;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.Keras.KerasTestModel;
using static ModelBuild.Core.Tests.Operators.OneOpOracle;

namespace ModelBuild.Core.Tests.Operators;

/// <summary>ADD, SUB, MUL, MAXIMUM, MINIMUM (one file of definitions); here MUL with the squeeze-excite broadcast ([1,1,1,C] × [1,H,W,C], either order), float and int8 against TFLite 2.9.</summary>
[TestClass]
public sealed class BinaryDefinitionsTests
{
    public static IEnumerable<object[]> OneOpRows => Int8OneOpAgreement.RowsOf(nameof(BinaryDefinitionsTests));

    [TestMethod]
    [DynamicData(nameof(OneOpRows))]
    public void One_op_int8_model_matches_float_within_two_output_steps(string name) =>
        Int8OneOpAgreement.AssertMatchesFloatWithinTwoOutputSteps(name);

    [TestMethod]
    [DynamicData(nameof(OneOpRows))]
    public void Model_read_back_from_tflite_runs_identically(string name) => Int8OneOpAgreement.AssertReadBackRunsIdentically(name);

    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("mul");

    private static ModelGraph OneMul(string name, int[] a, int[] b)
    {
        var ta = new Tensor("a", a);
        var tb = new Tensor("b", b);
        return OneNode(name, OpType.Mul, [ta, tb], [ta, tb], new ElementwiseOptions());
    }

    [TestMethod]
    [DataRow(new[] { 1, 1, 1, 6 }, new[] { 1, 5, 4, 6 }, DisplayName = "gate first")]
    [DataRow(new[] { 1, 5, 4, 6 }, new[] { 1, 1, 1, 6 }, DisplayName = "gate second")]
    [DataRow(new[] { 1, 5, 4, 6 }, new[] { 1, 5, 4, 6 }, DisplayName = "same shape")]
    public void Broadcast_mul_matches_tflite_in_float_and_bit_for_bit_in_int8(int[] a, int[] b)
    {
        var g = OneMul("mul", a, b);
        CollectionAssert.AreEqual(new[] { 1, 5, 4, 6 }, g.Outputs[0].Shape);
        FloatClose(g, 1e-6, 3);
        Int8BitIdentical(g, 4);
        Int8BitIdentical(g, 9);
    }

    [TestMethod]
    public void Keras_squeeze_excite_block_multiplies_every_pixel_by_its_channel_gate()
    {
        // keras.applications MobileNetV3's _se_block: GAP(keepdims) → 1×1 conv → ReLU → 1×1 conv → hard_sigmoid → Multiply([inputs, x]).
        var path = new KerasTestModel()
            .Input("x", 4, 3, 6)
            .Layer("GlobalAveragePooling2D", "squeeze", Cfg(("keepdims", true)), "x")
            .Layer("Conv2D", "reduce", Cfg(("filters", 2), ("kernel_size", new System.Text.Json.Nodes.JsonArray(1, 1)), ("activation", "relu")), "squeeze")
            .Layer("Conv2D", "expand", Cfg(("filters", 6), ("kernel_size", new System.Text.Json.Nodes.JsonArray(1, 1)), ("activation", "hard_sigmoid")), "reduce")
            .Layer("Multiply", "excite", Cfg(), ["x", "expand"])
            .Weight("reduce", "kernel", 1, 1, 6, 2).Weight("reduce", "bias", 2)
            .Weight("expand", "kernel", 1, 1, 2, 6).Weight("expand", "bias", 6)
            .Write(Path.Combine(_dir, "squeeze_excite.h5"), "excite");
        var g = KerasModelReader.Read(path);
        CollectionAssert.AreEqual(new[] { 1, 4, 3, 6 }, g.Outputs[0].Shape);
        var r = new Random(5);
        var x = Enumerable.Range(0, 72).Select(_ => (float)(r.NextDouble() * 4 - 2)).ToArray();
        var y = new FloatExecutor(g).Run(x);
        var gate = new FloatExecutor(ReadUpTo(path, "expand")).Run(x);
        for (int i = 0; i < 72; i++) Assert.AreEqual(x[i] * gate[i % 6], y[i], 1e-5);
        Int8BitIdentical(g, 6);
    }

    private static ModelGraph ReadUpTo(string path, string output)
    {
        var g = KerasModelReader.ReadUnoptimized(path);
        var keep = g.Nodes.TakeWhile(n => n.Outputs[0].Name != output).Append(g.Nodes.First(n => n.Outputs[0].Name == output)).ToList();
        var result = new ModelGraph("gate", g.Inputs, [keep[^1].Outputs[0]], keep);
        Core.Graph.Rewrites.GraphRewrites.Apply(result);
        return result;
    }
}
