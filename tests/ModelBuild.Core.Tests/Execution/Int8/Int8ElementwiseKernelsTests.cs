using ModelBuild.Core.Execution.Int8;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Quantization;

namespace ModelBuild.Core.Tests.Execution.Int8;

/// <summary>ADD, SUB, MUL, MAXIMUM and MINIMUM in int8 (broadcast and fused activations included): one-op models written by our TfLiteWriter run bit-identically in TFLite 2.9 and the Int8Executor.</summary>
[TestClass]
public sealed class Int8ElementwiseKernelsTests
{
    public static IEnumerable<object[]> OneOpRows => Int8OneOpAgreement.RowsOf(nameof(Int8ElementwiseKernelsTests));

    [TestMethod]
    [DynamicData(nameof(OneOpRows))]
    public void One_op_int8_model_is_bit_identical_to_tflite(string name) =>
        Int8OneOpAgreement.AssertBitIdentical(name, new QuantizationOptions());

    [TestMethod]
    [DataRow(3)]
    [DataRow(29)]
    public void One_op_models_stay_bit_identical_with_other_weights_and_ranges(int seed) =>
        Int8OneOpAgreement.AssertBitIdenticalWithOtherWeights(nameof(Int8ElementwiseKernelsTests), seed);

    [TestMethod]
    [DataRow(false, FusedActivation.None)]
    [DataRow(true, FusedActivation.Relu)]
    public void Tabulated_add_and_sub_give_each_pairs_own_value(bool subtract, FusedActivation activation)
    {
        // 65536 outputs (past TabulatedFrom): input a counts through every value for every value of input b.
        var a = new Tensor("a", [1, 256, 256, 1]) { Quant = QuantParams.PerTensor(0.07f, 9) };
        var b = new Tensor("b", [1, 256, 256, 1]) { Quant = QuantParams.PerTensor(0.02f, -30) };
        var y = new Tensor("y", [1, 256, 256, 1]) { Quant = QuantParams.PerTensor(0.08f, 4) };
        var kernel = new Int8AddSubKernel(new Node("y", subtract ? OpType.Sub : OpType.Add, [a, b], [y], new ElementwiseOptions(activation)), subtract);
        Assert.IsGreaterThanOrEqualTo(Int8QuantizedBinaryKernel.TabulatedFrom, (int)y.ElementCount);
        var store = new Int8TensorStore();
        store.Set(a, Enumerable.Range(0, 1 << 16).Select(i => (sbyte)(i & 255)).ToArray());
        store.Set(b, Enumerable.Range(0, 1 << 16).Select(i => (sbyte)(i >> 8)).ToArray());
        kernel.Run(store);
        var got = store.Get(y);
        for (int i = 0; i < got.Length; i++) Assert.AreEqual(kernel.Compute((sbyte)(i & 255), (sbyte)(i >> 8)), got[i], $"a {(sbyte)(i & 255)}, b {(sbyte)(i >> 8)}");
    }
}
