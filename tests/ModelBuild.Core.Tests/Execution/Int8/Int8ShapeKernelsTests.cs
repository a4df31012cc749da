using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Quantization;
using ModelBuild.Core.TfLite;
using ModelBuild.TestSupport;

namespace ModelBuild.Core.Tests.Execution.Int8;

/// <summary>RESHAPE, CONCATENATION, PAD, RESIZE_NEAREST_NEIGHBOR and QUANTIZE (int8 → int8 requantization): one-op models written by our TfLiteWriter run bit-identically in TFLite 2.9 and the Int8Executor.</summary>
[TestClass]
public sealed class Int8ShapeKernelsTests
{
    public static IEnumerable<object[]> OneOpRows => Int8OneOpAgreement.RowsOf(nameof(Int8ShapeKernelsTests));

    [TestMethod]
    [DynamicData(nameof(OneOpRows))]
    public void One_op_int8_model_is_bit_identical_to_tflite(string name) =>
        Int8OneOpAgreement.AssertBitIdentical(name, new QuantizationOptions());

    [TestMethod]
    [DataRow(3)]
    [DataRow(29)]
    public void One_op_models_stay_bit_identical_with_other_weights_and_ranges(int seed) =>
        Int8OneOpAgreement.AssertBitIdenticalWithOtherWeights(nameof(Int8ShapeKernelsTests), seed);

    [TestMethod]
    [DataRow(0.05f, -3, 0.11f, 7, DisplayName = "to a coarser scale")]
    [DataRow(0.11f, 7, 0.05f, -3, DisplayName = "to a finer scale (saturates)")]
    [DataRow(0.02f, 0, 0.02f, 40, DisplayName = "same scale, shifted zero point")]
    [DataRow(0.3f, 0, 0.02f, 0, DisplayName = "ratio 15 (saturates beyond +-8)")]
    [DataRow(0.004f, 0, 0.3f, -100, DisplayName = "ratio 1/75")]
    public void Standalone_quantize_requantizes_bit_identically_to_tflite(float inScale, int inZeroPoint, float outScale, int outZeroPoint)
    {
        // QUANTIZE int8 -> int8 (the requantization ModelBuild emits) as a model of its own, the scales chosen here.
        var x = new Tensor("input", [1, 8, 8, 4], DataType.Int8) { Quant = new QuantParams([inScale], [inZeroPoint]) };
        var y = new Tensor("requantized", [1, 8, 8, 4], DataType.Int8) { Quant = new QuantParams([outScale], [outZeroPoint]) };
        var int8 = new ModelGraph("quantize", [x], [y], [new Node("requantized", OpType.Quantize, [x], [y])]);
        using var tflite = TfLiteRuntime.Load(TfLiteWriter.Write(int8));
        var ours = new Int8Executor(int8);
        var input = Enumerable.Range(0, 256).Select(v => (sbyte)(v - 128)).ToArray(); // every int8 value once

        var expected = tflite.RunInt8(input);
        NumericAssert.Int8Identical(expected, ours.Run(input), $"QUANTIZE {inScale}/{inZeroPoint} -> {outScale}/{outZeroPoint}");
        Assert.IsGreaterThan(1, expected.Distinct().Count(), "the output is not a constant");
    }
}
