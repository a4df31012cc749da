using ModelBuild.Core.Quantization;

namespace ModelBuild.Core.Tests.Quantization;

[TestClass]
public sealed class OutputAgreementTests
{
    [TestMethod]
    public void Sqnr_is_ten_log10_of_signal_over_noise_over_all_inputs()
    {
        var a = new OutputAgreement();
        a.Add([3f, 4f], [3f, 3f]);   // signal 25, noise 1
        a.Add([0f, 1f], [0f, 2f]);   // signal 1, noise 1

        Assert.AreEqual(10 * Math.Log10(26.0 / 2), a.SqnrDb, 1e-9);
    }

    [TestMethod]
    public void Top1_counts_the_inputs_where_both_pick_the_same_class()
    {
        var a = new OutputAgreement();
        a.Add([0.1f, 0.9f], [0.2f, 0.8f]);
        a.Add([0.9f, 0.1f], [0.4f, 0.6f]);
        a.Add([0.2f, 0.3f, 0.5f], [0.1f, 0.2f, 0.7f]);

        Assert.AreEqual((3, 2), (a.Inputs, a.Top1Agree));
    }

    [TestMethod]
    public void Accumulate_adds_to_the_sqnr_without_counting_an_input()
    {
        var a = new OutputAgreement();
        a.Accumulate([3f, 4f], [3f, 3f]);

        Assert.AreEqual((0, 0), (a.Inputs, a.Top1Agree));
        Assert.AreEqual(10 * Math.Log10(25.0), a.SqnrDb, 1e-9);
    }

    [TestMethod]
    public void Int8_values_are_dequantized_with_their_scale_and_zero_point()
    {
        var ints = new OutputAgreement();
        var floats = new OutputAgreement();
        float[] reference = [0.3f, -1.1f, 2f];
        sbyte[] q = [5, -9, 22];

        ints.Accumulate(reference, q, 0.1f, 2);
        floats.Accumulate(reference, q.Select(v => 0.1f * (v - 2)).ToArray());

        Assert.AreEqual(floats.SqnrDb, ints.SqnrDb, 1e-6);
    }

    [TestMethod]
    public void Equal_outputs_are_infinitely_close()
    {
        var a = new OutputAgreement();
        a.Add([1f, -2f], [1f, -2f]);

        Assert.AreEqual(double.PositiveInfinity, a.SqnrDb);
    }

    [TestMethod]
    public void ArgMax_takes_the_first_of_equal_largest_values() =>
        Assert.AreEqual(1, OutputAgreement.ArgMax([0f, 5f, 5f, -1f]));

    [TestMethod]
    public void Inputs_sums_computed_apart_and_added_in_order_give_the_same_bits()
    {
        var r = new Random(3);
        var inputs = Enumerable.Range(0, 4).Select(_ => (Float: Enumerable.Range(0, 5000).Select(_ => (float)(r.NextDouble() * 6 - 3)).ToArray(),
            Int8: Enumerable.Range(0, 5000).Select(_ => (sbyte)r.Next(-128, 128)).ToArray())).ToList();
        var inOrder = new OutputAgreement();
        foreach (var (f, q) in inputs) inOrder.Accumulate(f, q, 0.023f, -7);
        var sums = inputs.AsParallel().AsOrdered().Select(x => OutputAgreement.Sums(x.Float, x.Int8, 0.023f, -7)).ToList();
        var apart = new OutputAgreement();
        foreach (var s in sums) apart.Accumulate(s);

        Assert.AreEqual(BitConverter.DoubleToInt64Bits(inOrder.SqnrDb), BitConverter.DoubleToInt64Bits(apart.SqnrDb));
    }
}

