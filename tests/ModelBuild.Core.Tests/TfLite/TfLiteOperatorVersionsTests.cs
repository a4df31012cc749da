using ModelBuild.Core.Graph;
using ModelBuild.Core.Tests.Execution;
using ModelBuild.Core.TfLite;
using static ModelBuild.Core.Tests.TestGraphs.EdgeTpuTestGraphs;

namespace ModelBuild.Core.Tests.TfLite;

/// <summary>Operator versions from the definitions, the TFLite release that first ran each, and runtime_version.cc's comparison.</summary>
[TestClass]
public sealed class TfLiteOperatorVersionsTests
{
    [TestMethod]
    [DataRow("1.14.0", "1.5.0", 1, DisplayName = "numeric, not text: 14 > 5")]
    [DataRow("2.3", "2.3.0", -1, DisplayName = "a prefix is lower")]
    [DataRow("", "1.5.0", -1, DisplayName = "empty is lowest")]
    [DataRow("1.5.0", "", 1)]
    [DataRow("", "", 0)]
    [DataRow("2.6.0", "2.6.0", 0)]
    [DataRow("1.13.1", "1.14.0", -1)]
    public void Runtime_versions_compare_as_numbers_part_by_part(string a, string b, int sign) =>
        Assert.AreEqual(sign, Math.Sign(TfLiteOperatorVersions.CompareRuntimeVersions(a, b)));

    [TestMethod]
    [DataRow(TfLiteBuiltinOperator.Conv2D, 3, "1.14.0")]
    [DataRow(TfLiteBuiltinOperator.Pad, 4, "2.6.0")]
    [DataRow(TfLiteBuiltinOperator.HardSwish, 1, "1.15.0")]
    [DataRow(TfLiteBuiltinOperator.Conv2D, 2, "", DisplayName = "a version ModelBuild never writes")]
    [DataRow(TfLiteBuiltinOperator.Custom, 1, "", DisplayName = "an operator without a definition")]
    public void Min_runtime_version_is_the_release_that_first_ran_the_version(TfLiteBuiltinOperator op, int version, string release) =>
        Assert.AreEqual(release, TfLiteOperatorVersions.MinRuntimeVersion(op, version));

    [TestMethod]
    public void Version_of_a_node_is_its_definitions_lowest()
    {
        var int8 = new Node("conv", OpType.Conv2D, [Act("x", 1, 4, 4, 3), Weights("w", 2, 1, 1, 3), Bias("b", 2)], [Act("conv", 1, 4, 4, 2)], new Conv2DOptions(Padding.Same, 1, 1));
        var fp = new Node("conv", OpType.Conv2D, [new Tensor("x", [1, 4, 4, 3]), new Tensor("w", [2, 1, 1, 3], DataType.Float32, new float[6])],
            [new Tensor("conv", [1, 4, 4, 2])], new Conv2DOptions(Padding.Same, 1, 1));
        Assert.AreEqual((3, 1), (TfLiteOperatorVersions.Version(int8), TfLiteOperatorVersions.Version(fp)));
    }

    [TestMethod]
    public void Every_version_the_one_op_models_are_written_at_has_a_known_runtime_release()
    {
        foreach (var name in Int8OneOpAgreement.SourceFilesOfRows.Keys)
        {
            var node = Int8OneOpAgreement.Quantized(name).Nodes.Single();
            int version = TfLiteOperatorVersions.Version(node);
            var builtin = TfLiteOperatorCodes.Builtin(node.Op);
            Assert.AreNotEqual("", TfLiteOperatorVersions.MinRuntimeVersion(builtin, version), $"{name}: {builtin} v{version}");
        }
    }
}
