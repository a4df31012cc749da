using ModelBuild.Core.Graph;
using ModelBuild.Core.Synthesis;
using ModelBuild.Core.Synthesis.Layers;
using ModelBuild.Core.Tests.Layout;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.TestGraphs.SynthLayerTestGraphs;

namespace ModelBuild.Core.Tests.Synthesis.Layers;

/// <summary>
/// x + 3.0 and x · (1/6) as each Keras records them (Keras 2: TFOpLambda with the constant in the inbound node's
/// kwargs; Keras 3: the numpy operation with the constant in the call's args), read back by our reader; and Flatten.
/// </summary>
[TestClass]
public sealed class ConstantOperandLayerTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Init(TestContext _) => _dir = RepoPaths.NewScratchDirectory("synth-constant-operand");

    [ClassCleanup]
    public static void Cleanup() => ResidualArtifacts.DeleteScratch(_dir);

    private static SynthModel Operation(string name, ConstantOperation operation, double constant, bool keras3) =>
        Model(name, 4, 3, x => new ConstantOperandLayer("op", x, operation, constant, keras3));

    [TestMethod]
    [DataRow("Add", 3.0, OpType.Add)]
    [DataRow("Multiply", 1.0 / 6.0, OpType.Mul)]
    public void Keras2_tfoplambda_reads_back_as_the_operation_with_its_constant(string operation, double constant, OpType op)
    {
        var model = Operation("tfop_" + operation, Enum.Parse<ConstantOperation>(operation), constant, keras3: false);
        var graph = AssertReadBackComputesAsSynthesized(model, Write(model, SynthFileFormat.KerasH5, _dir));

        Assert.AreEqual(op, graph.Nodes.Single().Op);
    }

    [TestMethod]
    [DataRow("Add", 3.0, OpType.Add)]
    [DataRow("Multiply", 1.0 / 6.0, OpType.Mul)]
    public void Keras3_numpy_operation_reads_back_as_the_operation_with_its_constant(string operation, double constant, OpType op)
    {
        var model = Operation("numpy_" + operation, Enum.Parse<ConstantOperation>(operation), constant, keras3: true);
        var graph = AssertReadBackComputesAsSynthesized(model, Write(model, SynthFileFormat.KerasArchive, _dir));

        Assert.AreEqual(op, graph.Nodes.Single().Op);
    }

    [TestMethod]
    public void Keras2_inbound_node_carries_the_constant_as_y()
    {
        var entry = LayerEntry(Write(Operation("tfop_kwargs", ConstantOperation.Add, 3.0, keras3: false), SynthFileFormat.KerasH5, _dir), "op");

        Assert.AreEqual("TFOpLambda", entry["class_name"]!.GetValue<string>());
        var kwargs = entry["inbound_nodes"]![0]![0]![3]!.AsObject();
        CollectionAssert.AreEqual(new[] { "y", "name" }, Keys(kwargs));
        Assert.AreEqual(3.0, kwargs["y"]!.GetValue<double>());
    }

    [TestMethod]
    public void Keras3_entry_names_the_numpy_module_and_calls_with_tensor_and_constant()
    {
        var entry = LayerEntry(Write(Operation("numpy_args", ConstantOperation.Multiply, 0.5, keras3: true), SynthFileFormat.KerasArchive, _dir), "op");

        Assert.AreEqual("keras.src.ops.numpy", entry["module"]!.GetValue<string>());
        Assert.AreEqual("Multiply", entry["registered_name"]!.GetValue<string>());
        CollectionAssert.AreEqual(new[] { "name" }, Keys(entry["config"]));
        var args = entry["inbound_nodes"]![0]!["args"]!.AsArray();
        Assert.AreEqual("__keras_tensor__", args[0]!["class_name"]!.GetValue<string>());
        Assert.AreEqual(0.5, args[1]!.GetValue<double>());
    }

    [TestMethod]
    [DataRow(SynthFileFormat.KerasH5)]
    [DataRow(SynthFileFormat.KerasArchive)]
    public void Flatten_reads_back_as_a_reshape_to_one_vector(SynthFileFormat format)
    {
        var model = Model("flatten_" + format, 3, 4, x => new FlattenLayer("flatten", x));
        var graph = AssertReadBackComputesAsSynthesized(model, Write(model, format, _dir));

        CollectionAssert.AreEqual(new[] { 1, 36 }, graph.Outputs[0].Shape);
    }

    [TestMethod]
    public void Flatten_config_has_the_keys_keras_2_4_writes()
    {
        var model = Model("flatten_keys", 2, 2, x => new FlattenLayer("flatten", x));
        AssertKeysAsInRealFile(Write(model, SynthFileFormat.KerasH5, _dir), "flatten", "03_mlperf_tiny_resnet8_cifar10_k2.4.h5");
    }
}
