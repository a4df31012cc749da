using ModelBuild.Core.Quantization;

namespace ModelBuild.Core.Tests.Execution.Int8;

/// <summary>MAX_POOL_2D, AVERAGE_POOL_2D, MEAN and REDUCE_MAX in int8: one-op models written by our TfLiteWriter run bit-identically in TFLite 2.9 and the Int8Executor.</summary>
[TestClass]
public sealed class Int8PoolKernelsTests
{
    public static IEnumerable<object[]> OneOpRows => Int8OneOpAgreement.RowsOf(nameof(Int8PoolKernelsTests));

    [TestMethod]
    [DynamicData(nameof(OneOpRows))]
    public void One_op_int8_model_is_bit_identical_to_tflite(string name) =>
        Int8OneOpAgreement.AssertBitIdentical(name, new QuantizationOptions());

    [TestMethod]
    [DataRow(3)]
    [DataRow(29)]
    public void One_op_models_stay_bit_identical_with_other_weights_and_ranges(int seed) =>
        Int8OneOpAgreement.AssertBitIdenticalWithOtherWeights(nameof(Int8PoolKernelsTests), seed);
}
