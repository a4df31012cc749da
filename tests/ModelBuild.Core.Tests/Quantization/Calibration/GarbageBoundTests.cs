using ModelBuild.Core.Quantization.Calibration;

namespace ModelBuild.Core.Tests.Quantization.Calibration;

[TestClass]
public sealed class GarbageBoundTests
{
    [TestMethod]
    public void Collects_once_the_allocations_since_the_last_collection_reach_the_bound()
    {
        long allocated = 1000;
        int collections = 0;
        var bound = new GarbageBound(100, () => allocated, () => collections++);

        allocated += 99;
        bound.Check();
        Assert.AreEqual(0, collections, "99 bytes since the start: under the bound");
        allocated += 1;
        bound.Check();
        Assert.AreEqual(1, collections, "100 bytes: collected");
        allocated += 60;
        bound.Check();
        Assert.AreEqual(1, collections, "counted again from the collection, not from the start");
        allocated += 40;
        bound.Check();
        Assert.AreEqual(2, collections);
        Assert.AreEqual(2, bound.Collections);
    }

    [TestMethod]
    public void Counts_from_the_allocations_after_the_collection_itself()
    {
        // A collection that allocates (the GC's own bookkeeping, a finalizer) must not count towards the next one.
        long allocated = 0;
        var bound = new GarbageBound(100, () => allocated, () => allocated += 30);

        allocated = 100;
        bound.Check();
        allocated += 99;
        bound.Check();
        Assert.AreEqual(1, bound.Collections);
    }
}
