using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Quantization.Calibration;

namespace ModelBuild.Core.Tests.Quantization.Calibration;

[TestClass]
public sealed class SamplePrefetchTests
{
    [TestMethod]
    public void Yields_every_sample_in_order_produced_on_another_thread()
    {
        int consumer = Environment.CurrentManagedThreadId;
        var producers = new List<int>();
        IEnumerable<float[]> Source()
        {
            for (int i = 0; i < 50; i++)
            {
                producers.Add(Environment.CurrentManagedThreadId);
                yield return [i];
            }
        }

        var got = SamplePrefetch.Ahead(Source(), 4).Select(s => (int)s[0]).ToList();

        CollectionAssert.AreEqual(Enumerable.Range(0, 50).ToList(), got);
        Assert.IsTrue(producers.All(t => t != consumer), "the source is enumerated on the prefetch thread");
    }

    [TestMethod]
    public void A_failing_source_throws_its_own_exception_after_the_samples_before_it()
    {
        IEnumerable<float[]> Source()
        {
            yield return [1];
            yield return [2];
            throw new ModelBuildException("MB3052", "bad.jpg", "is not a readable image");
        }

        var got = new List<float>();
        var e = Assert.ThrowsExactly<ModelBuildException>(() =>
        {
            foreach (var s in SamplePrefetch.Ahead(Source(), 1)) got.Add(s[0]);
        });

        Assert.AreEqual("MB3052", e.Code);
        CollectionAssert.AreEqual(new[] { 1f, 2f }, got);
    }

    [TestMethod]
    public void A_consumer_that_stops_early_stops_the_source_and_holds_no_more_than_the_capacity_ahead()
    {
        int produced = 0;
        bool disposed = false;
        IEnumerable<float[]> Source()
        {
            try
            {
                for (int i = 0; i < 1000; i++)
                {
                    Interlocked.Increment(ref produced);
                    yield return [i];
                }
            }
            finally
            {
                disposed = true;
            }
        }

        var first = SamplePrefetch.Ahead(Source(), 2).Take(3).ToList();

        Assert.HasCount(3, first);
        Assert.IsTrue(disposed, "the source was disposed when the consumer stopped");
        Assert.IsLessThanOrEqualTo(3 + 2 + 1, produced, "at most the capacity (and the one being added) beyond what was taken");
    }
}
