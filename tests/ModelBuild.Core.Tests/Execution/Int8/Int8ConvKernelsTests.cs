using ModelBuild.Core.Quantization;

namespace ModelBuild.Core.Tests.Execution.Int8;

/// <summary>CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED in int8 (per-channel and per-tensor weights): one-op models written by our TfLiteWriter run bit-identically in TFLite 2.9 and the Int8Executor.</summary>
[TestClass]
public sealed class Int8ConvKernelsTests
{
    public static IEnumerable<object[]> OneOpRows => Int8OneOpAgreement.RowsOf(nameof(Int8ConvKernelsTests));

    [TestMethod]
    [DynamicData(nameof(OneOpRows))]
    public void One_op_int8_model_is_bit_identical_to_tflite(string name) =>
        Int8OneOpAgreement.AssertBitIdentical(name, new QuantizationOptions());

    public static IEnumerable<object[]> PerTensorRows => OneOpRows.Where(r => r[0] is string n && (n.StartsWith("conv", StringComparison.Ordinal) || n.StartsWith("depthwise", StringComparison.Ordinal)));

    [TestMethod]
    [DynamicData(nameof(PerTensorRows))]
    public void One_op_int8_model_with_per_tensor_weights_is_bit_identical_to_tflite(string name) =>
        Int8OneOpAgreement.AssertBitIdentical(name, new QuantizationOptions { PerChannel = false });

    [TestMethod]
    [DataRow(3)]
    [DataRow(29)]
    public void One_op_models_stay_bit_identical_with_other_weights_and_ranges(int seed) =>
        Int8OneOpAgreement.AssertBitIdenticalWithOtherWeights(nameof(Int8ConvKernelsTests), seed);
}
