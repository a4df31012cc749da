using ModelBuild.Core.EdgeTpu;

namespace ModelBuild.Core.Tests.EdgeTpu;

/// <summary>Operations mapped, from whichever of the compiler's figures it printed.</summary>
[TestClass]
public sealed class EdgeTpuCompilerReportTests
{
    private static readonly EdgeTpuOperatorRow[] Table =
    [
        new("CONV_2D", 5, EdgeTpuOperatorRow.MappedStatus),
        new("ADD", 2, "mapped to edge tpu"),
        new("LEAKY_RELU", 1, EdgeTpuOperatorRules.NotSupported),
    ];

    [TestMethod]
    public void The_printed_count_of_operations_on_the_Edge_TPU_wins() =>
        Assert.AreEqual(6, new EdgeTpuCompilerReport { OperationsOnEdgeTpu = 6, TotalOperations = 8, Operators = Table }.OperationsMapped);

    [TestMethod]
    public void Without_the_count_the_mapped_rows_of_the_table_are_summed_in_any_case() =>
        Assert.AreEqual(7, new EdgeTpuCompilerReport { TotalOperations = 8, Operators = Table }.OperationsMapped);

    [TestMethod]
    public void Without_count_or_table_every_operation_mapped() =>
        Assert.AreEqual(8, new EdgeTpuCompilerReport { TotalOperations = 8 }.OperationsMapped);

    [TestMethod]
    public void Without_any_figure_the_mapped_count_is_unknown() =>
        Assert.IsNull(new EdgeTpuCompilerReport().OperationsMapped);
}
