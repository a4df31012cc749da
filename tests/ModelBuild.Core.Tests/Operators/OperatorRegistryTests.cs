using ModelBuild.Core.EdgeTpu;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Keras;
using ModelBuild.Core.Operators;
using ModelBuild.Core.Tests.Execution;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Operators;

/// <summary>
/// The registry holds one definition per IR op and per TFLite builtin; each is known to the Edge TPU rules or says
/// it stays on the CPU; and each definition's shape rule agrees with the shapes the Keras converter and the one-op
/// test models compute on their own.
/// </summary>
[TestClass]
public sealed class OperatorRegistryTests
{
    [TestMethod]
    public void Every_op_type_has_exactly_one_definition_and_its_own_builtin()
    {
        foreach (var op in Enum.GetValues<OpType>())
            Assert.AreEqual(1, OperatorRegistry.All.Count(d => d.Op == op), $"{op}");
        Assert.AreEqual(OperatorRegistry.All.Count, OperatorRegistry.All.Select(d => d.Builtin).Distinct().Count(), "builtin codes must be unique");
    }

    [TestMethod]
    public void Every_definition_is_in_the_edge_tpu_table_or_marked_cpu_only()
    {
        foreach (var d in OperatorRegistry.All)
        {
            var name = TfLiteBuiltinNames.Name((int)d.Builtin);
            bool inTable = EdgeTpuOperatorRules.SupportedMaxVersion.ContainsKey(name);
            Assert.AreNotEqual(inTable, d.EdgeTpuCpuOnly, $"{d.Op} ({name}): in Coral's table = {inTable}, marked CPU-only = {d.EdgeTpuCpuOnly}");
        }
    }

    [TestMethod]
    public void Every_int8_one_op_model_is_written_at_a_version_the_edge_tpu_compiler_accepts_unless_cpu_only()
    {
        foreach (var name in Int8OneOpAgreement.SourceFilesOfRows.Keys)
        {
            var node = Int8OneOpAgreement.Quantized(name).Nodes.Single();
            var d = OperatorRegistry.For(node);
            if (d.EdgeTpuCpuOnly) continue;
            var op = TfLiteBuiltinNames.Name((int)d.Builtin);
            Assert.IsLessThanOrEqualTo(EdgeTpuOperatorRules.SupportedMaxVersion[op], d.Version(node), $"{name}: {op}");
        }
    }

    [TestMethod]
    public void Shape_rules_agree_with_the_one_op_test_models()
    {
        foreach (var (name, graph) in Int8OneOpModels.All())
            AssertShapesAgree(graph, name);
    }

    [TestMethod]
    [DataRow("04_squeezenet_cataract_concat_k2.4.h5")]
    [DataRow("05_mini_xception_fer2013_sepconv_add_k2.0.5.hdf5")]
    [DataRow("07_keras3.4.1_cifar10_cnn.h5")]
    [DataRow("11_unet_superres_concat_upsample_k2.10.h5")]
    [DataRow("13_mnist_edgetpu_tutorial_k2.h5")]
    public void Shape_rules_agree_with_the_keras_converter(string model) =>
        AssertShapesAgree(KerasModelReader.Read(RepoPaths.KerasModel(model)), model);

    private static void AssertShapesAgree(ModelGraph graph, string what)
    {
        foreach (var n in graph.Nodes)
            CollectionAssert.AreEqual(n.Outputs[0].Shape, OperatorRegistry.For(n).InferOutputShape(n), $"{what}: node '{n.Name}' ({n.Op})");
    }
}
