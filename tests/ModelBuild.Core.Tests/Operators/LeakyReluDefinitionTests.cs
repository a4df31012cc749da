using ModelBuild.Core.EdgeTpu;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Operators;
using ModelBuild.Core.Tests.Execution;
using static ModelBuild.Core.Tests.Operators.OperatorContract;
using static ModelBuild.Core.Tests.TestGraphs.EdgeTpuTestGraphs;

namespace ModelBuild.Core.Tests.Operators;

/// <summary>LEAKY_RELU: alpha·x below zero in float, alpha read back from .tflite, and the CPU fallback on the Edge TPU.</summary>
[TestClass]
public sealed class LeakyReluDefinitionTests
{
    public static IEnumerable<object[]> OneOpRows => Int8OneOpAgreement.RowsOf(nameof(LeakyReluDefinitionTests));

    [TestMethod]
    [DynamicData(nameof(OneOpRows))]
    public void One_op_int8_model_matches_float_within_two_output_steps(string name) =>
        Int8OneOpAgreement.AssertMatchesFloatWithinTwoOutputSteps(name);

    [TestMethod]
    [DynamicData(nameof(OneOpRows))]
    public void Model_read_back_from_tflite_runs_identically(string name) => Int8OneOpAgreement.AssertReadBackRunsIdentically(name);

    [TestMethod]
    public void Float_leaky_relu_scales_negative_values_by_alpha()
    {
        var n = Make("lr", OpType.LeakyRelu, [new Tensor("x", [1, 3])], new LeakyReluOptions(0.25f));
        CollectionAssert.AreEqual(new[] { -0.5f, 0f, 3f }, new FloatExecutor(Alone(n)).Run([-2f, 0f, 3f]));
    }

    [TestMethod]
    public void Int8_leaky_relu_is_written_as_builtin_98_version_1_with_its_alpha() =>
        AssertWrittenAs(Make("lr", OpType.LeakyRelu, [Act("x", 1, 4, 4, 3)], new LeakyReluOptions(0.2f)), builtin: 98, version: 1);

    [TestMethod]
    public void Leaky_relu_is_left_to_the_cpu_as_coral_does_not_list_it()
    {
        Assert.IsTrue(OperatorRegistry.For(OpType.LeakyRelu).EdgeTpuCpuOnly);
        Assert.IsFalse(EdgeTpuOperatorRules.SupportedMaxVersion.ContainsKey("LEAKY_RELU"));
    }
}
