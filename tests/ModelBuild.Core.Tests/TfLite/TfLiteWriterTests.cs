using Google.FlatBuffers;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.Slicing;
using ModelBuild.Core.Tests.Execution;
using ModelBuild.Core.TfLite;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.TfLite.TfLiteTestModels;

namespace ModelBuild.Core.Tests.TfLite;

/// <summary>
/// What the writer emits: int8 one-op models TFLite 2.9 loads and runs, the lowest operator versions, deterministic
/// bytes, buffer sharing on large int8 constants (found by a sampled key, confirmed byte by byte) and slices that share
/// their constants' arrays for writing. (Float models written by it: TfLiteWriterFloatOracleTests.)
/// </summary>
[TestClass]
public sealed class TfLiteWriterTests
{
    public static IEnumerable<object[]> Cases =>
        Int8OneOpModels.All().SelectMany(c => new[] { new object[] { c.Name, true }, new object[] { c.Name, false } });

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void One_op_int8_model_runs_in_tflite(string name, bool perChannel)
    {
        var floatGraph = Int8OneOpModels.All().Single(c => c.Name == name).Graph;
        var int8 = Quantizer.Quantize(floatGraph, Int8TestHelpers.CalibrateRandom(floatGraph, 4, seed: 2), new QuantizationOptions { PerChannel = perChannel });
        var r = new Random(9);
        var inputs = int8.Inputs.Select(t => RandomInt8(r, t.ElementCount)).ToArray();

        using var interpreter = TfLiteRuntime.Load(TfLiteWriter.Write(int8));
        for (int i = 0; i < int8.Inputs.Count; i++)
        {
            Assert.AreEqual(TfLiteTensorType.Int8, interpreter.Inputs[i].Type);
            Assert.AreEqual(int8.Inputs[i].Quant!.Scale[0], interpreter.Inputs[i].Scale);
            Assert.AreEqual(int8.Inputs[i].Quant!.ZeroPoint[0], interpreter.Inputs[i].ZeroPoint);
        }

        var output = interpreter.Outputs[0];
        Assert.AreEqual(TfLiteTensorType.Int8, output.Type);
        CollectionAssert.AreEqual(int8.Outputs[0].Shape, output.Shape);
        Assert.AreEqual(int8.Outputs[0].Quant!.Scale[0], output.Scale);

        var actual = TfLiteInterpreter.AsInt8(interpreter.RunArrays(inputs)[0]);
        var expected = new Int8Executor(int8).Run(inputs)[0];
        NumericAssert.Int8Identical(expected, actual, $"{name} per-channel={perChannel}: TFLite vs Int8Executor");
        Assert.IsGreaterThan(1, actual.Distinct().Count(), $"{name}: the output is not a constant");
    }

    [TestMethod]
    public void Operator_versions_are_the_lowest_int8_ones()
    {
        var expected = new Dictionary<string, (TfLiteBuiltinOperator Op, int Version, string Runtime)>
        {
            ["conv_same_s1_relu"] = (TfLiteBuiltinOperator.Conv2D, 3, "1.14.0"),
            ["conv_dilated"] = (TfLiteBuiltinOperator.Conv2D, 3, "1.14.0"),
            ["depthwise_s1_relu6"] = (TfLiteBuiltinOperator.DepthwiseConv2D, 3, "1.14.0"),
            ["fully_connected"] = (TfLiteBuiltinOperator.FullyConnected, 4, "1.14.0"),
            ["add"] = (TfLiteBuiltinOperator.Add, 2, "1.14.0"),
            ["maxpool_2x2"] = (TfLiteBuiltinOperator.MaxPool2D, 2, "1.14.0"),
            ["mean"] = (TfLiteBuiltinOperator.Mean, 2, "1.14.0"),
            ["softmax"] = (TfLiteBuiltinOperator.Softmax, 2, "1.14.0"),
            ["reshape"] = (TfLiteBuiltinOperator.Reshape, 1, "1.5.0"),
            ["pad"] = (TfLiteBuiltinOperator.Pad, 2, "1.14.0"),
            ["concatenation"] = (TfLiteBuiltinOperator.Concatenation, 2, "1.14.0"),
            ["hard_swish"] = (TfLiteBuiltinOperator.HardSwish, 1, "1.15.0"),
            ["resize_nearest_2x"] = (TfLiteBuiltinOperator.ResizeNearestNeighbor, 2, "1.14.0"),
        };
        foreach (var (name, (op, version, runtime)) in expected)
        {
            var floatGraph = Int8OneOpModels.All().Single(c => c.Name == name).Graph;
            var int8 = Quantizer.Quantize(floatGraph, Int8TestHelpers.CalibrateRandom(floatGraph, 2, seed: 2));
            var flat = TfLiteFlatModel.Read(TfLiteWriter.Write(int8));
            var code = flat.OperatorCodes.Single(c => c.BuiltinCode == (int)op);
            Assert.AreEqual(version, code.Version, $"{name}: {op}");
            Assert.AreEqual(runtime, flat.MinRuntimeVersion, $"{name}: min_runtime_version metadata");
            Assert.AreEqual((int)op, code.DeprecatedBuiltinCode, $"{name}: deprecated_builtin_code");
        }
    }

    [TestMethod]
    public void Writing_is_deterministic_and_shares_identical_constants()
    {
        var g = ResidualTestGraphs.ResidualBlock();
        var a = TfLiteWriter.Write(g);
        CollectionAssert.AreEqual(a, TfLiteWriter.Write(ResidualTestGraphs.ResidualBlock()));

        var flat = TfLiteFlatModel.Read(a);
        Assert.AreEqual(0, flat.Buffers[0].Count, "buffer 0 is the empty sentinel");
        Assert.AreEqual("ModelBuild", flat.Description);
        Assert.AreEqual("1.6.0", flat.MinRuntimeVersion); // float: CONV_2D, ADD, FC, SOFTMAX v1 need 1.5.0, MEAN v1 1.6.0
        var sg = flat.Subgraphs.Single();
        Assert.IsTrue(sg.Tensors.Where(t => g.FindTensor(t.Name).Data is null).All(t => t.Buffer == 0), "runtime tensors use buffer 0");

        // Two constants with equal contents share a buffer.
        var x = new Tensor("x", [1, 4]);
        var c1 = new Tensor("c1", [1, 4], DataType.Float32, new float[] { 1, 2, 3, 4 });
        var c2 = new Tensor("c2", [1, 4], DataType.Float32, new float[] { 1, 2, 3, 4 });
        var y1 = new Tensor("y1", [1, 4]);
        var y2 = new Tensor("y2", [1, 4]);
        var dup = new ModelGraph("dup", [x], [y2],
            [new Node("y1", OpType.Add, [x, c1], [y1], new ElementwiseOptions()), new Node("y2", OpType.Mul, [y1, c2], [y2], new ElementwiseOptions())]);
        var dupFlat = TfLiteFlatModel.Read(TfLiteWriter.Write(dup));
        var t = dupFlat.Subgraphs[0].Tensors;
        Assert.AreEqual(t.Single(v => v.Name == "c1").Buffer, t.Single(v => v.Name == "c2").Buffer);
        using var interpreter = TfLiteRuntime.Load(TfLiteWriter.Write(dup));
        CollectionAssert.AreEqual(new float[] { 2, 8, 18, 32 }, interpreter.RunFloat([1, 2, 3, 4]));
    }

    private static ModelGraph TwoConstants(sbyte[] a, sbyte[] b)
    {
        var q = QuantParams.PerTensor(0.1f, 0);
        var x = new Tensor("x", [1, a.Length], DataType.Int8) { Quant = q };
        var c1 = new Tensor("c1", [1, a.Length], DataType.Int8, a) { Quant = q };
        var c2 = new Tensor("c2", [1, b.Length], DataType.Int8, b) { Quant = q };
        var y1 = new Tensor("y1", [1, a.Length], DataType.Int8) { Quant = q };
        var y2 = new Tensor("y2", [1, a.Length], DataType.Int8) { Quant = q };
        return new ModelGraph("two", [x], [y2],
            [new Node("y1", OpType.Add, [x, c1], [y1], new ElementwiseOptions()), new Node("y2", OpType.Add, [y1, c2], [y2], new ElementwiseOptions())]);
    }

    private static sbyte[] Random(int n, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (sbyte)r.Next(-127, 128)).ToArray();
    }

    private static (uint C1, uint C2, byte[] Data1, byte[] Data2) Buffers(ModelGraph g)
    {
        var flat = TfLiteFlatModel.Read(TfLiteWriter.Write(g));
        var t = flat.Subgraphs[0].Tensors;
        uint b1 = t.Single(v => v.Name == "c1").Buffer, b2 = t.Single(v => v.Name == "c2").Buffer;
        return (b1, b2, flat.Buffers[(int)b1].ToArray(), flat.Buffers[(int)b2].ToArray());
    }

    [TestMethod]
    public void Equal_large_constants_share_one_buffer()
    {
        var a = Random(100_003, 1);
        var (b1, b2, d1, _) = Buffers(TwoConstants(a, (sbyte[])a.Clone()));
        Assert.AreEqual(b1, b2);
        CollectionAssert.AreEqual(a.Select(v => (byte)v).ToArray(), d1);
    }

    [TestMethod]
    [DataRow(100, DisplayName = "a byte between the sampled positions (same key, told apart byte by byte)")]
    [DataRow(100_002, DisplayName = "the last byte")]
    public void Large_constants_that_differ_in_one_byte_keep_their_own_buffers(int at)
    {
        var a = Random(100_003, 2);
        var b = (sbyte[])a.Clone();
        b[at] = (sbyte)(b[at] == 5 ? 6 : 5);
        var (b1, b2, d1, d2) = Buffers(TwoConstants(a, b));
        Assert.AreNotEqual(b1, b2);
        CollectionAssert.AreEqual(a.Select(v => (byte)v).ToArray(), d1);
        CollectionAssert.AreEqual(b.Select(v => (byte)v).ToArray(), d2);
    }

    [TestMethod]
    public void A_slice_for_writing_shares_constant_arrays_and_writes_the_same_bytes()
    {
        var g = TwoConstants(Random(1000, 3), Random(1000, 4));
        var shared = GraphSlicer.Slice(g, "y1", null, shareConstants: true);
        var copied = GraphSlicer.Slice(g, "y1", null);
        var c2 = g.Nodes[1].Inputs[1]!;
        Assert.AreSame(c2.Data, shared.Nodes.Single().Inputs[1]!.Data);
        Assert.AreNotSame(c2.Data, copied.Nodes.Single().Inputs[1]!.Data);
        CollectionAssert.AreEqual(TfLiteWriter.Write(copied), TfLiteWriter.Write(shared));
    }

    [TestMethod]
    public void A_builder_reused_after_a_larger_model_writes_the_bytes_of_a_fresh_write()
    {
        FlatBufferBuilder? builder = null;
        var large = TfLiteWriter.Write(EdgeTpuTestGraphs.TooLargeForOnChip(), ref builder).ToArray();
        var first = builder;
        var small = TfLiteWriter.Write(EdgeTpuTestGraphs.TypicalInt8ConvNet(), ref builder);
        Assert.AreSame(first, builder, "the larger model's buffer is reused");
        CollectionAssert.AreEqual(TfLiteWriter.Write(EdgeTpuTestGraphs.TypicalInt8ConvNet()), small.ToArray());
        CollectionAssert.AreEqual(TfLiteWriter.Write(EdgeTpuTestGraphs.TooLargeForOnChip()), large);
    }
}
