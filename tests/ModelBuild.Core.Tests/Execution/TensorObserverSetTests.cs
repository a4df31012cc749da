using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Tests.Execution;

[TestClass]
public sealed class TensorObserverSetTests
{
    private sealed class Journal(List<string> lines, string who) : ITensorObserver
    {
        public void Observe(Tensor tensor, ReadOnlySpan<float> values, int batch) =>
            lines.Add($"{who} {tensor.Name} [{string.Join(",", values.ToArray())}] x{batch}");
    }

    [TestMethod]
    public void Every_observer_sees_each_tensor_with_its_values_and_batch_in_the_order_given()
    {
        var lines = new List<string>();
        var set = new TensorObserverSet(new Journal(lines, "a"), new Journal(lines, "b"), new Journal(lines, "c"));

        set.Observe(new Tensor("x", [2, 1]), [1f, 2f], 2);
        set.Observe(new Tensor("y", [1]), [3f], 1);

        CollectionAssert.AreEqual(
            new[] { "a x [1,2] x2", "b x [1,2] x2", "c x [1,2] x2", "a y [3] x1", "b y [3] x1", "c y [3] x1" }, lines);
    }
}
