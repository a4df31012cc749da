using System.Runtime.CompilerServices;
using ModelBuild.Core.Execution.Float;

namespace ModelBuild.Core.Tests.Execution.Float;

/// <summary>
/// Prepared weights are made once per weights array while a kernel holds them, and made again when the array's
/// contents or the bias change.
/// </summary>
[TestClass]
public sealed class PreparedWeightsTests
{
    [TestMethod]
    public void The_same_arrays_get_the_prepared_weights_made_the_first_time()
    {
        float[] weights = [1, 2, 3], bias = [4];
        int made = 0;
        var first = PreparedWeights.Get("test", weights, bias, () => new object[] { ++made });
        var second = PreparedWeights.Get("test", weights, bias, () => new object[] { ++made });

        Assert.AreSame(first, second);
        Assert.AreEqual(1, made);
    }

    [TestMethod]
    public void Prepared_weights_no_kernel_holds_any_more_are_collected_and_made_again()
    {
        float[] weights = [1, 2, 3];
        var collected = PrepareAndDrop(weights);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.IsFalse(collected.TryGetTarget(out _), "the graph's weights array alone must not keep prepared weights alive");
        int made = 0;
        PreparedWeights.Get("test", weights, null, () => new object[] { ++made });
        Assert.AreEqual(1, made);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference<object> PrepareAndDrop(float[] weights) =>
        new(PreparedWeights.Get("test", weights, null, () => new object()));

    [TestMethod]
    public void Weights_edited_in_place_are_prepared_again()
    {
        float[] weights = [1, 2, 3];
        var first = PreparedWeights.Get("test", weights, null, () => new[] { weights.Sum() });
        weights[1] = 20;
        var second = PreparedWeights.Get("test", weights, null, () => new[] { weights.Sum() });

        Assert.AreEqual(6f, first[0]);
        Assert.AreEqual(24f, second[0]);
    }

    [TestMethod]
    public void Another_bias_array_or_another_kind_is_prepared_separately()
    {
        float[] weights = [1, 2, 3];
        var withBias = PreparedWeights.Get("test", weights, [1], () => new object());
        var otherBias = PreparedWeights.Get("test", weights, [1], () => new object());
        var otherKind = PreparedWeights.Get("other", weights, null, () => new object());

        Assert.AreNotSame(withBias, otherBias);
        Assert.AreNotSame(otherBias, otherKind);
    }

    [TestMethod]
    public void The_checksum_sees_one_changed_bit_anywhere_in_a_long_array()
    {
        var weights = Enumerable.Range(0, 1003).Select(i => i * 0.25f).ToArray();
        ulong original = PreparedWeights.Checksum(weights, null);
        foreach (int i in new[] { 0, 7, 8, 500, 999, 1000, 1002 })
        {
            float kept = weights[i];
            weights[i] = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(kept) ^ 1);
            Assert.AreNotEqual(original, PreparedWeights.Checksum(weights, null), $"element {i}");
            weights[i] = kept;
        }
    }
}
