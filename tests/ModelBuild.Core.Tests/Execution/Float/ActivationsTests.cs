using ModelBuild.Core.Execution.Float;
using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Tests.Execution.Float;

/// <summary>Fused activation clamps as TFLite applies them, over the vector body and the scalar tail of a span.</summary>
[TestClass]
public sealed class ActivationsTests
{
    [TestMethod]
    [DataRow(FusedActivation.Relu, 0f, float.PositiveInfinity)]
    [DataRow(FusedActivation.Relu6, 0f, 6f)]
    [DataRow(FusedActivation.ReluN1To1, -1f, 1f)]
    [DataRow(FusedActivation.None, float.NegativeInfinity, float.PositiveInfinity)]
    public void Range_is_tflites_bounds_of_each_fused_activation(FusedActivation activation, float min, float max) =>
        Assert.AreEqual((min, max), Activations.Range(activation));

    [TestMethod]
    [DataRow(FusedActivation.Relu)]
    [DataRow(FusedActivation.Relu6)]
    [DataRow(FusedActivation.ReluN1To1)]
    public void Clamp_bounds_every_element_of_the_vector_body_and_the_tail(FusedActivation activation)
    {
        // 19 elements: two 8-wide vectors and a 3-element tail.
        var x = Enumerable.Range(0, 19).Select(i => (i - 9) * 0.9f).ToArray();
        var (lo, hi) = Activations.Range(activation);
        var expected = x.Select(v => Math.Clamp(v, lo, hi)).ToArray();
        Activations.Clamp(x, activation);
        CollectionAssert.AreEqual(expected, x);
        Assert.IsTrue(x.Any(v => v == lo) || lo == float.NegativeInfinity, "some values reach the lower bound");
    }

    [TestMethod]
    public void Clamp_without_activation_leaves_the_values_unchanged()
    {
        float[] x = [-1e30f, -7f, 0f, 6.5f, 1e30f, float.NaN, 3f, -2f, 9f];
        var before = (float[])x.Clone();
        Activations.Clamp(x, FusedActivation.None);
        CollectionAssert.AreEqual(before, x);
    }

    [TestMethod]
    public void Clamp_to_explicit_bounds_keeps_values_inside_them()
    {
        var x = Enumerable.Range(0, 11).Select(i => (float)i).ToArray();
        Activations.Clamp(x, 2.5f, 7f);
        CollectionAssert.AreEqual(new[] { 2.5f, 2.5f, 2.5f, 3f, 4f, 5f, 6f, 7f, 7f, 7f, 7f }, x);
    }

    [TestMethod]
    public void Clamp_of_a_slice_leaves_the_rest_of_the_array_alone()
    {
        var x = Enumerable.Repeat(10f, 20).ToArray();
        Activations.Clamp(x.AsSpan(4, 9), FusedActivation.Relu6);
        CollectionAssert.AreEqual(Enumerable.Repeat(10f, 4).Concat(Enumerable.Repeat(6f, 9)).Concat(Enumerable.Repeat(10f, 7)).ToArray(), x);
    }
}
