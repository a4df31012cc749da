using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.Tests.Execution;
using ModelBuild.Core.TfLite;
using ModelBuild.TestSupport;
using static ModelBuild.Core.Tests.TfLite.TfLiteTestModels;

namespace ModelBuild.Core.Tests.TfLite;

/// <summary>
/// Every int8 op our writer emits is accepted by the real TFLite 2.9 runtime (AllocateTensors + Invoke), keeps
/// the quantization we wrote, and computes what our Int8Executor computes (the bit-exact claim itself is the
/// quantizer's suite; here a difference of more than one step fails).
/// </summary>
[TestClass]
public sealed class TfLiteWriterInt8RuntimeTests
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
}
