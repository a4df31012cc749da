using ModelBuild.Core.EdgeTpu;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Operators;
using static ModelBuild.Core.Tests.Operators.OperatorContract;
using static ModelBuild.Core.Tests.TestGraphs.EdgeTpuTestGraphs;

namespace ModelBuild.Core.Tests.Operators;

/// <summary>
/// QUANTIZE and DEQUANTIZE, the boundaries of a quantized graph: never made by the quantizer nor run in float, their
/// versions and .tflite form, and DEQUANTIZE left to the CPU (the requantization kernel: Execution/Int8/Int8ShapeKernelsTests).
/// </summary>
[TestClass]
public sealed class QuantizeDefinitionsTests
{
    private static Tensor PerChannel(string name) =>
        new(name, [1, 4, 4, 3], DataType.Int8) { Quant = new QuantParams([0.1f, 0.2f, 0.3f], [0, 0, 0], 3) };

    private static Node Requantize(Tensor? y = null) => new("q", OpType.Quantize, [Act("x", 1, 4, 4, 3)], [y ?? Act("q", 1, 4, 4, 3)]);

    [TestMethod]
    [DataRow(OpType.Quantize)]
    [DataRow(OpType.Dequantize)]
    public void Boundaries_get_no_quantization_rule_from_the_quantizer(OpType op) => Assert.IsNull(OperatorRegistry.For(op).Quantization);

    [TestMethod]
    [DataRow(OpType.Quantize)]
    [DataRow(OpType.Dequantize)]
    public void Float_executor_refuses_a_boundary_naming_the_node(OpType op)
    {
        var n = new Node("boundary", op, [new Tensor("x", [1, 3])], [new Tensor("y", [1, 3])]);
        var kernel = OperatorRegistry.For(op).CreateFloatKernel(n);
        var e = Assert.ThrowsExactly<NotSupportedException>(() => kernel(default!, new float[3]));
        StringAssert.Contains(e.Message, $"FloatExecutor cannot run {op} (node 'boundary')");
    }

    [TestMethod]
    public void Int8_requantize_is_written_as_builtin_114_version_1() => AssertWrittenAs(Requantize(), builtin: 114, version: 1);

    [TestMethod]
    public void Quantize_to_per_channel_parameters_needs_version_3()
    {
        var n = Requantize(PerChannel("q"));
        Assert.AreEqual(3, OperatorRegistry.For(n).Version(n));
    }

    [TestMethod]
    [DataRow(DataType.Int8, false, 2)]
    [DataRow(DataType.Int8, true, 5)]
    [DataRow(DataType.Float32, false, 1)]
    public void Dequantize_version_follows_its_input(DataType type, bool perChannel, int version)
    {
        var x = perChannel ? PerChannel("x") : type == DataType.Int8 ? Act("x", 1, 4, 4, 3) : new Tensor("x", [1, 4, 4, 3], type);
        var n = new Node("dq", OpType.Dequantize, [x], [new Tensor("dq", [1, 4, 4, 3])]);
        Assert.AreEqual(version, OperatorRegistry.For(n).Version(n));
    }

    [TestMethod]
    public void Dequantize_is_written_as_builtin_6() =>
        Assert.AreEqual((6, 2), WriteAndReadBack(new Node("dq", OpType.Dequantize, [Act("x", 1, 3)], [new Tensor("dq", [1, 3])])) is var r ? (r.Builtin, r.Version) : default);

    [TestMethod]
    public void Int8_quantize_is_an_operator_the_edge_tpu_compiler_accepts() => AssertEdgeTpuAccepts(Requantize());

    [TestMethod]
    public void Dequantize_is_left_to_the_cpu_as_it_produces_float()
    {
        Assert.IsTrue(OperatorRegistry.For(OpType.Dequantize).EdgeTpuCpuOnly);
        Assert.IsFalse(EdgeTpuOperatorRules.SupportedMaxVersion.ContainsKey("DEQUANTIZE"));
    }
}
