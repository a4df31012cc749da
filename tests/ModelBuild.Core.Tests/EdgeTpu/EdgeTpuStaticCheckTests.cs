using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.EdgeTpu;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.EdgeTpu;

[TestClass]
public sealed class EdgeTpuStaticCheckTests
{
    [TestMethod]
    public void Real_compiled_mnist_is_recognized_with_one_operation_left_on_cpu()
    {
        var r = EdgeTpuStaticCheck.CheckFile(RepoPaths.TfLiteModel("13_mnist_int8_edgetpu.tflite"));

        Assert.IsTrue(r.Compiled);
        Assert.AreEqual(1, r.EdgeTpuCustomOps);
        Assert.AreEqual(2, r.Operations);
        Assert.AreEqual(1, r.OperationsOnCpu, "the DEQUANTIZE after the edgetpu-custom-op stays on the CPU");
        Assert.AreEqual("DEQUANTIZE", r.Findings.Single().Operator);
    }

    [TestMethod]
    public void Googles_int8_mnist_maps_fully_and_counts_its_parameters()
    {
        var r = EdgeTpuStaticCheck.CheckFile(RepoPaths.TfLiteModel("13_mnist_int8.tflite"));

        Assert.IsFalse(r.Compiled);
        Assert.AreEqual(8, r.Operations);
        Assert.AreEqual(0, r.OperationsOnCpu, string.Join("; ", r.Findings));
        // int8 weights 3*3*16 + 32*3*3*16 + 64*2048 + 10*64 and int32 biases 16 + 32 + 64 + 10.
        Assert.AreEqual(144 + 4608 + 131072 + 640 + 4 * (16 + 32 + 64 + 10), r.ParameterBytes);
        Assert.AreEqual("fits", r.OnChipFit);
    }

    [TestMethod]
    public void Googles_int8_mobilenet_v2_maps_fully()
    {
        var r = EdgeTpuStaticCheck.CheckFile(RepoPaths.TfLiteModel("tf2_mobilenet_v2_1.0_224_ptq.tflite"));

        Assert.AreEqual(68, r.Operations);
        Assert.AreEqual(68, r.OperationsOnEdgeTpu, string.Join("; ", r.Findings));
    }

    [TestMethod]
    public void Typical_int8_conv_net_written_by_ModelBuild_passes_without_warnings()
    {
        var log = new RecordingBuildLog();
        var r = EdgeTpuStaticCheck.Check(EdgeTpuTestGraphs.TypicalInt8ConvNet());
        EdgeTpuStaticCheck.Report(r, log);

        Assert.AreEqual(6, r.Operations);
        Assert.AreEqual(6, r.OperationsOnEdgeTpu, string.Join("; ", r.Findings));
        Assert.IsTrue(r.FullyMapped);
        Assert.AreEqual(0, log.Warnings.Count);
    }

    [TestMethod]
    public void Float_op_is_flagged_as_unsupported_data_type_and_everything_after_the_cut_runs_on_cpu()
    {
        var log = new RecordingBuildLog();
        var r = EdgeTpuStaticCheck.Check(EdgeTpuTestGraphs.WithFloatOp());
        EdgeTpuStaticCheck.Report(r, log);

        Assert.AreEqual(1, r.OperationsOnEdgeTpu);
        Assert.AreEqual(2, r.OperationsOnCpu);
        var logistic = r.Findings.Single(f => f.Operator == "LOGISTIC");
        Assert.AreEqual(EdgeTpuOperatorRules.UnsupportedDataType, logistic.CompilerStatus);
        StringAssert.Contains(logistic.Reason, "Float32");
        var warning = log.Warnings.Single();
        Assert.AreEqual("MB4020", warning.Code);
        StringAssert.Contains(warning.Message, "2 of 3 operations");
    }

    [TestMethod]
    public void Five_dimensional_tensor_is_flagged_by_the_three_innermost_dimensions_rule()
    {
        var r = EdgeTpuStaticCheck.Check(EdgeTpuTestGraphs.WithFiveDimensionalTensor());

        Assert.AreEqual(1, r.OperationsOnEdgeTpu);
        var first = r.Findings[0];
        Assert.AreEqual("RESHAPE", first.Operator);
        StringAssert.Contains(first.Reason, "[1,2,4,8,4]");
        StringAssert.Contains(first.Reason, "3 innermost");
    }

    [TestMethod]
    public void Parameters_over_eight_MiB_exceed_the_on_chip_cache_and_warn()
    {
        var log = new RecordingBuildLog();
        var r = EdgeTpuStaticCheck.Check(EdgeTpuTestGraphs.TooLargeForOnChip());
        EdgeTpuStaticCheck.Report(r, log);

        Assert.AreEqual(4608L * 2048 + 4608 * 4, r.ParameterBytes);
        Assert.AreEqual("exceeds", r.OnChipFit);
        Assert.AreEqual("MB4021", log.Warnings.Single().Code);
        StringAssert.Contains(log.Warnings.Single().Message, "9.02 MiB");
    }
}
