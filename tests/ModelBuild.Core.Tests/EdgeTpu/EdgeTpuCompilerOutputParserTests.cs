using ModelBuild.Core.EdgeTpu;

namespace ModelBuild.Core.Tests.EdgeTpu;

[TestClass]
public sealed class EdgeTpuCompilerOutputParserTests
{
    // Shaped like published compiler 16 output with -s: a model with a few operations left on the CPU.
    private const string PartialStdout = """
        Edge TPU Compiler version 16.0.384591198
        Started a compilation timeout timer of 180 seconds.

        Model compiled successfully in 1354 ms.

        Input model: yolo_full_integer_quant.tflite
        Input size: 5.10MiB
        Output model: yolo_full_integer_quant_edgetpu.tflite
        Output size: 6.28MiB
        On-chip memory used for caching model parameters: 6.03MiB
        On-chip memory remaining for caching model parameters: 1.21MiB
        Off-chip memory used for streaming uncached model parameters: 0.00B
        Number of Edge TPU subgraphs: 1
        Total number of operations: 143
        Operation log: yolo_full_integer_quant_edgetpu.log

        Model successfully compiled but not all operations are supported by the Edge TPU. A percentage of the model will instead run on the CPU, which is slower. If possible, consider updating your model to use only operations supported by the Edge TPU. For details, visit g.co/coral/model-reqs.
        Number of operations that will run on Edge TPU: 139
        Number of operations that will run on CPU: 4

        Operator                       Count      Status

        CONV_2D                        60         Mapped to Edge TPU
        QUANTIZE                       1          Mapped to Edge TPU
        QUANTIZE                       1          Operation is otherwise supported, but not mapped due to some unspecified limitation
        CONCATENATION                  1          More than one subgraph is not supported
        DEQUANTIZE                     2          Operation is working on an unsupported data type
        ADD                            78         Mapped to Edge TPU
        Compilation child process completed within timeout period.
        Compilation succeeded!
        """;

    [TestMethod]
    public void Partial_mapping_report_gives_every_figure_and_row()
    {
        var r = EdgeTpuCompilerOutputParser.Parse(PartialStdout);

        Assert.AreEqual("16.0.384591198", r.CompilerVersion);
        Assert.IsTrue(r.CompiledSuccessfully);
        Assert.AreEqual(1354L, r.CompileMilliseconds);
        Assert.AreEqual("yolo_full_integer_quant.tflite", r.InputModel);
        Assert.AreEqual("yolo_full_integer_quant_edgetpu.tflite", r.OutputModel);
        Assert.AreEqual((long)Math.Round(6.03 * 1024 * 1024), r.OnChipMemoryUsedBytes);
        Assert.AreEqual((long)Math.Round(1.21 * 1024 * 1024), r.OnChipMemoryRemainingBytes);
        Assert.AreEqual(0L, r.OffChipMemoryUsedBytes);
        Assert.AreEqual(1, r.EdgeTpuSubgraphs);
        Assert.AreEqual(143, r.TotalOperations);
        Assert.AreEqual(139, r.OperationsMapped);
        Assert.AreEqual(4, r.OperationsOnCpu);
        Assert.AreEqual("yolo_full_integer_quant_edgetpu.log", r.OperationLog);
        Assert.AreEqual(6, r.Operators.Count, "the trailing 'Compilation child process' line is not a row");
        Assert.AreEqual(new EdgeTpuOperatorRow("QUANTIZE", 1, EdgeTpuOperatorRules.UnspecifiedLimitation), r.Operators[2]);
        Assert.AreEqual(new EdgeTpuOperatorRow("CONCATENATION", 1, EdgeTpuOperatorRules.MoreThanOneSubgraph), r.Operators[3]);
        Assert.AreEqual(139, r.Operators.Where(o => o.IsMapped).Sum(o => o.Count));
    }

    [TestMethod]
    public void Fully_mapped_run_without_s_takes_the_table_from_the_log_file()
    {
        const string stdout = """
            Edge TPU Compiler version 15.0.340273435

            Model compiled successfully in 3388 ms.

            Input model: resnet18/model_full_integer_quant.tflite
            Input size: 13.35MiB
            Output model: resnet18/model_full_integer_quant_edgetpu.tflite
            Output size: 13.79MiB
            On-chip memory used for caching model parameters: 6.15MiB
            On-chip memory remaining for caching model parameters: 5.75KiB
            Off-chip memory used for streaming uncached model parameters: 7.03MiB
            Number of Edge TPU subgraphs: 1
            Total number of operations: 84
            Operation log: resnet18/model_full_integer_quant_edgetpu.log
            See the operation log file for individual operation details.
            """;
        const string log = """
            Edge TPU Compiler version 15.0.340273435
            Input: resnet18/model_full_integer_quant.tflite
            Output: resnet18/model_full_integer_quant_edgetpu.tflite

            Operator                       Count      Status

            CONV_2D                        72         Mapped to Edge TPU
            ADD                            8          Mapped to Edge TPU
            MAX_POOL_2D                    1          Mapped to Edge TPU
            MEAN                           1          Mapped to Edge TPU
            FULLY_CONNECTED                1          Mapped to Edge TPU
            SOFTMAX                        1          Mapped to Edge TPU
            """;

        var r = EdgeTpuCompilerOutputParser.Parse(stdout, log);

        Assert.AreEqual("15.0.340273435", r.CompilerVersion);
        Assert.AreEqual((long)Math.Round(5.75 * 1024), r.OnChipMemoryRemainingBytes);
        Assert.AreEqual((long)Math.Round(7.03 * 1024 * 1024), r.OffChipMemoryUsedBytes);
        Assert.IsNull(r.OperationsOnEdgeTpu, "the compiler prints no count when every operation maps");
        Assert.AreEqual(84, r.OperationsMapped, "taken from the log's table");
        Assert.AreEqual(6, r.Operators.Count);
    }

    [TestMethod]
    public void Sizes_parse_and_format_in_the_compilers_units()
    {
        Assert.AreEqual(0L, EdgeTpuCompilerOutputParser.ParseSize("0.00B"));
        Assert.AreEqual(42752L, EdgeTpuCompilerOutputParser.ParseSize("41.75KiB"));
        Assert.AreEqual((long)Math.Round(5.9 * 1024 * 1024), EdgeTpuCompilerOutputParser.ParseSize("5.90MiB"));
        Assert.IsNull(EdgeTpuCompilerOutputParser.ParseSize("lots"));
        Assert.AreEqual("0.00B", EdgeTpuCompilerOutputParser.FormatSize(0));
        Assert.AreEqual("41.75KiB", EdgeTpuCompilerOutputParser.FormatSize(42752));
        Assert.AreEqual("7.98MiB", EdgeTpuCompilerOutputParser.FormatSize(8 * 1024 * 1024 - 20 * 1024));
    }

    [TestMethod]
    public void Failure_message_keeps_the_compilers_words_without_banner_lines()
    {
        const string stdout = """
            Edge TPU Compiler version 14.1.317412892
            Invalid model: my_mnist_quant.tflite
            Model not quantized
            """;

        Assert.AreEqual("Invalid model: my_mnist_quant.tflite Model not quantized", EdgeTpuCompilerOutputParser.FailureMessage(stdout, ""));
    }
}
