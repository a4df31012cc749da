using ModelBuild.Core.EdgeTpu;

namespace ModelBuild.Core.Tests.EdgeTpu;

[TestClass]
public sealed class EdgeTpuStaticCheckResultTests
{
    private static readonly EdgeTpuOpFinding Cause = new(2, "LEAKY_RELU", "leaky", "not in the supported-operations table", EdgeTpuOperatorRules.NotSupported);
    private static readonly EdgeTpuOpFinding Follower = new(3, "CONV_2D", "conv2", "follows an operation on the CPU", EdgeTpuOperatorRules.MoreThanOneSubgraph);

    private static EdgeTpuStaticCheckResult Result(bool compiled = false, int customOps = 0, int onCpu = 2) => new()
    {
        Model = "seg1_int8.tflite",
        Compiled = compiled,
        EdgeTpuCustomOps = customOps,
        Operations = 5,
        OperationsSupported = 4,
        OperationsOnEdgeTpu = 5 - onCpu,
        OperationsOnCpu = onCpu,
        ParameterBytes = 3 * 1048576 / 2,
        OnChipCapacityBytes = 8 * 1048576,
        OnChipFit = EdgeTpuCheckEntry.Fits,
        Findings = onCpu == 0 ? [] : [Cause, Follower],
        Operators = [new("CONV_2D", 2, EdgeTpuOperatorRow.MappedStatus), new("LEAKY_RELU", 1, EdgeTpuOperatorRules.NotSupported)],
    };

    [TestMethod]
    public void A_model_with_operations_on_the_CPU_is_not_fully_mapped() => Assert.IsFalse(Result(onCpu: 2).FullyMapped);

    [TestMethod]
    public void A_model_with_every_operation_on_the_Edge_TPU_is_fully_mapped() => Assert.IsTrue(Result(onCpu: 0).FullyMapped);

    [TestMethod]
    public void A_compiled_model_is_fully_mapped_only_with_a_custom_op_and_nothing_beside_it()
    {
        Assert.IsTrue(Result(compiled: true, customOps: 1, onCpu: 0).FullyMapped);
        Assert.IsFalse(Result(compiled: true, customOps: 0, onCpu: 0).FullyMapped, "no edgetpu-custom-op: nothing was compiled");
    }

    [TestMethod]
    public void Causes_leave_out_operations_that_only_follow_one_on_the_CPU() =>
        CollectionAssert.AreEqual(new[] { Cause }, Result().Causes.ToArray());

    [TestMethod]
    public void The_meta_entry_gives_sizes_in_MiB_the_operator_table_and_only_the_causes()
    {
        var entry = Result().ToMetaEntry();

        Assert.AreEqual((5, 3, 2, 1572864L, 1.5, 8.0, "fits"),
            (entry.Operations, entry.OperationsOnEdgeTpu, entry.OperationsOnCpu, entry.ParameterBytes, entry.ParameterMiB, entry.OnChipCapacityMiB, entry.OnChipFit));
        CollectionAssert.AreEqual(new[] { new EdgeTpuOperatorEntry("CONV_2D", 2, EdgeTpuOperatorRow.MappedStatus), new EdgeTpuOperatorEntry("LEAKY_RELU", 1, EdgeTpuOperatorRules.NotSupported) },
            entry.Operators.ToArray());
        CollectionAssert.AreEqual(new[] { new EdgeTpuCheckOperation(2, "LEAKY_RELU", "leaky", "not in the supported-operations table", EdgeTpuOperatorRules.NotSupported) },
            entry.CpuOperations.ToArray());
    }

    [TestMethod]
    public void Parameter_MiB_are_rounded_to_four_decimals() =>
        Assert.AreEqual(0.0001, (Result() with { ParameterBytes = 100 }).ParameterMiB);
}
