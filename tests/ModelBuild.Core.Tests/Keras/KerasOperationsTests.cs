using System.Text.Json.Nodes;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;
using ModelBuild.TestSupport;
using A = ModelBuild.Core.Tests.Keras.KerasArchiveTestModel;

namespace ModelBuild.Core.Tests.Keras;

/// <summary>
/// Keras 3 operation nodes in a functional config (<c>x + 3.0</c>, <c>keras.ops.hard_silu(x)</c> …: module
/// keras.src.ops.*, args of tensors and numbers), in small .keras archives, against outputs worked out by hand.
/// </summary>
[TestClass]
public sealed class KerasOperationsTests
{
    private static readonly float[] Xs = [-7, -3.5f, -3, -2.5f, -1, -0.2f, 0, 0.4f, 1, 2.5f, 3, 4, 9];
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("keras-operations");

    private static float Relu6(float v) => Math.Clamp(v, 0, 6);

    private static JsonObject Tensor(string layer, int width) => new()
    {
        ["class_name"] = "__keras_tensor__",
        ["config"] = new JsonObject { ["shape"] = new JsonArray(null, width), ["dtype"] = "float32", ["keras_history"] = new JsonArray(layer, 0, 0) },
    };

    private static JsonObject Operation(string module, string className, string name, JsonArray args, JsonObject? kwargs = null) => new()
    {
        ["module"] = module,
        ["class_name"] = className,
        ["config"] = new JsonObject { ["name"] = name },
        ["registered_name"] = className,
        ["name"] = name,
        ["inbound_nodes"] = new JsonArray(new JsonObject { ["args"] = args, ["kwargs"] = kwargs ?? [] }),
    };

    /// <summary>Input x (width wide) → the operation; written as a .keras archive.</summary>
    private static string OneOperation(string name, JsonObject operation, int width) =>
        A.Write(Path.Combine(_dir, name + ".keras"), A.Functional("m", "x", operation["name"]!.GetValue<string>(), A.InputLayer("x", null, width), operation), []);

    private static float[] Run(string path, float[] x) => new FloatExecutor(KerasModelReader.Read(path)).Run(x);

    [TestMethod]
    public void Mobilenet_v3_hard_sigmoid_and_hard_silu_operation_nodes_read()
    {
        // Keras 3 MobileNetV3: layers.ReLU(6.0)(x + 3.0) * (1.0 / 6.0); then keras.ops.hard_silu and x / 2.0 as operation nodes.
        var layers = new[]
        {
            A.InputLayer("x", null, Xs.Length),
            Operation("keras.src.ops.numpy", "Add", "add", new JsonArray(Tensor("x", Xs.Length), 3.0)),
            A.Layer("ReLU", "re_lu", A.Cfg(("max_value", 6.0), ("negative_slope", 0.0), ("threshold", 0.0)), "add"),
            Operation("keras.src.ops.numpy", "Multiply", "multiply", new JsonArray(Tensor("re_lu", Xs.Length), 1 / 6.0)),
            Operation("keras.src.ops.nn", "HardSilu", "hard_silu", new JsonArray(Tensor("multiply", Xs.Length))),
            Operation("keras.src.ops.numpy", "TrueDivide", "true_divide", new JsonArray(Tensor("hard_silu", Xs.Length), 2.0)),
        };
        var path = A.Write(Path.Combine(_dir, "k3_ops.keras"), A.Functional("m", "x", "true_divide", layers), []);
        var expected = Xs.Select(v => Relu6(v + 3) / 6).Select(h => h * Relu6(h + 3) / 6 / 2).ToArray();
        FloatOutputAssert.Close(expected, Run(path, Xs), 1e-5, "Keras 3 operations");
    }

    [TestMethod]
    public void Dividing_a_constant_by_a_tensor_is_mb1003_naming_it()
    {
        var path = OneOperation("k3_inverse", Operation("keras.src.ops.numpy", "TrueDivide", "inverse", new JsonArray(1.0, Tensor("x", 4))), 4);
        var e = Assert.ThrowsExactly<ModelBuildException>(() => KerasModelReader.Read(path));
        Assert.AreEqual("MB1003", e.Code);
        StringAssert.Contains(e.Message, "'inverse' (TrueDivide) dividing a constant by a tensor is not supported");
        StringAssert.EndsWith(e.File, "k3_inverse.keras");
    }

    [TestMethod]
    public void Constant_first_subtract_subtracts_the_tensor_from_the_constant()
    {
        var path = OneOperation("k3_rsub", Operation("keras.src.ops.numpy", "Subtract", "rsub", new JsonArray(10.0, Tensor("x", 3))), 3);
        FloatOutputAssert.Close([9, 8, 13], Run(path, [1, 2, -3]), 1e-6, "10 - x");
    }

    [TestMethod]
    public void Per_channel_constant_list_multiplies_each_channel()
    {
        var path = OneOperation("k3_channels", Operation("keras.src.ops.numpy", "Multiply", "scale", new JsonArray(Tensor("x", 3), new JsonArray(1.0, 2.0, 4.0))), 3);
        FloatOutputAssert.Close([1, 4, -12], Run(path, [1, 2, -3]), 1e-6, "x · [1, 2, 4]");
    }

    [TestMethod]
    public void Constant_of_neither_one_nor_channel_count_values_is_mb1003()
    {
        var path = OneOperation("k3_bad_list", Operation("keras.src.ops.numpy", "Add", "bad", new JsonArray(Tensor("x", 3), new JsonArray(1.0, 2.0))), 3);
        var e = Assert.ThrowsExactly<ModelBuildException>(() => KerasModelReader.Read(path));
        Assert.AreEqual("MB1003", e.Code);
        StringAssert.Contains(e.Message, "a constant of 2 values");
    }

    [TestMethod]
    public void Maximum_of_a_tensor_and_a_constant_is_a_maximum_op()
    {
        var path = OneOperation("k3_max", Operation("keras.src.ops.numpy", "Maximum", "floor", new JsonArray(Tensor("x", 3), 0.5)), 3);
        var g = KerasModelReader.Read(path);
        Assert.AreEqual(OpType.Maximum, g.Nodes.Single().Op);
        FloatOutputAssert.Close([1, 2, 0.5f], new FloatExecutor(g).Run([1, 2, -3]), 1e-6, "max(x, 0.5)");
    }

    [TestMethod]
    public void Keyword_arguments_are_mb1003()
    {
        var op = Operation("keras.src.ops.numpy", "Add", "add_kw", new JsonArray(Tensor("x", 3), 1.0), new JsonObject { ["dtype"] = "float32" });
        var e = Assert.ThrowsExactly<ModelBuildException>(() => KerasModelReader.Read(OneOperation("k3_kwargs", op, 3)));
        Assert.AreEqual("MB1003", e.Code);
        StringAssert.Contains(e.Message, "with other than two positional operands");
    }

    [TestMethod]
    public void An_operation_is_told_by_its_ops_module()
    {
        Assert.IsTrue(LayerConverter.IsKerasOperation(new JsonObject { ["module"] = "keras.src.ops.numpy" }));
        Assert.IsTrue(LayerConverter.IsKerasOperation(new JsonObject { ["module"] = "keras.ops" }));
        Assert.IsFalse(LayerConverter.IsKerasOperation(new JsonObject { ["module"] = "keras.layers" }));
        Assert.IsFalse(LayerConverter.IsKerasOperation(new JsonObject { ["class_name"] = "Add" }));
    }
}
