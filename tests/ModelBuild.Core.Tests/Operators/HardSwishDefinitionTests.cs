using ModelBuild.Core.EdgeTpu;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Operators;
using ModelBuild.Core.Tests.Execution;
using static ModelBuild.Core.Tests.Operators.OperatorContract;
using static ModelBuild.Core.Tests.TestGraphs.EdgeTpuTestGraphs;

namespace ModelBuild.Core.Tests.Operators;

/// <summary>HARD_SWISH: x·relu6(x+3)/6 in float, its .tflite form, and the CPU fallback on the Edge TPU.</summary>
[TestClass]
public sealed class HardSwishDefinitionTests
{
    public static IEnumerable<object[]> OneOpRows => Int8OneOpAgreement.RowsOf(nameof(HardSwishDefinitionTests));

    [TestMethod]
    [DynamicData(nameof(OneOpRows))]
    public void One_op_int8_model_matches_float_within_two_output_steps(string name) =>
        Int8OneOpAgreement.AssertMatchesFloatWithinTwoOutputSteps(name);

    [TestMethod]
    [DynamicData(nameof(OneOpRows))]
    public void Model_read_back_from_tflite_runs_identically(string name) => Int8OneOpAgreement.AssertReadBackRunsIdentically(name);

    [TestMethod]
    public void Float_hard_swish_is_x_times_relu6_of_x_plus_3_over_6()
    {
        var n = Make("hs", OpType.HardSwish, [new Tensor("x", [1, 5])]);
        var y = new FloatExecutor(Alone(n)).Run([-4f, -1.5f, 0f, 1f, 4f]);
        float[] expected = [0f, -0.375f, 0f, 4f / 6, 4f];
        for (int i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], y[i], 1e-6f, $"element {i}");
    }

    [TestMethod]
    public void Int8_hard_swish_is_written_as_builtin_117_version_1() =>
        AssertWrittenAs(Make("hs", OpType.HardSwish, [Act("x", 1, 4, 4, 3)]), builtin: 117, version: 1);

    [TestMethod]
    public void Hard_swish_is_left_to_the_cpu_as_coral_does_not_list_it()
    {
        Assert.IsTrue(OperatorRegistry.For(OpType.HardSwish).EdgeTpuCpuOnly);
        Assert.IsFalse(EdgeTpuOperatorRules.SupportedMaxVersion.ContainsKey("HARD_SWISH"));
    }
}
