using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Quantization;

namespace ModelBuild.Core.Tests.Quantization;

[TestClass]
public sealed class CalibratorTests
{
    /// <summary>input → ADD(const 1) → RELU: ranges are easy to predict.</summary>
    private static ModelGraph AddRelu()
    {
        var x = new Tensor("input", [1, 2, 2, 1]);
        var one = new Tensor("one", [1], DataType.Float32, new[] { 1f });
        var s = new Tensor("sum", [1, 2, 2, 1]);
        var y = new Tensor("relu", [1, 2, 2, 1]);
        return new ModelGraph("addrelu", [x], [y],
        [
            new Node("sum", OpType.Add, [x, one], [s], new ElementwiseOptions()),
            new Node("relu", OpType.Relu, [s], [y]),
        ]);
    }

    [TestMethod]
    public void Min_max_per_tensor_over_all_samples()
    {
        var samples = new[] { new[] { -3f, 0f, 1f, 2f }, new[] { 0.5f, 0.5f, 4f, -1f }, new[] { 0f, 0f, 0f, 0f } };
        var log = new RecordingBuildLog();
        var r = Calibrator.Calibrate(AddRelu(), samples, log);
        Assert.AreEqual(3, r.SampleCount);
        Assert.AreEqual(new TensorRange(-3f, 4f), r.Ranges["input"]);
        Assert.AreEqual(new TensorRange(-2f, 5f), r.Ranges["sum"]);
        Assert.AreEqual(new TensorRange(0f, 5f), r.Ranges["relu"]);
        Assert.IsFalse(r.Ranges.ContainsKey("one"));
        Assert.IsTrue(log.ProgressMessages.Any(m => m.Contains("3 samples")));
    }

    [TestMethod]
    public void Progress_with_a_known_total_is_done_over_total_at_most_ten_lines_however_many_samples()
    {
        foreach (int total in new[] { 3, 37, 1000 })
        {
            var log = new RecordingBuildLog();
            var samples = Enumerable.Range(0, total).Select(i => new[] { i % 5, 1f, -1f, 0f });
            Calibrator.Calibrate(AddRelu(), samples, log, new CalibrationSettings { BatchSize = 1, ExpectedSamples = total });
            var progress = log.ProgressMessages.Where(m => m.Contains("calibration ")).ToList();
            Assert.IsLessThanOrEqualTo(10, progress.Count, $"{total} samples: {string.Join(" | ", progress)}");
            Assert.IsTrue(progress.All(m => System.Text.RegularExpressions.Regex.IsMatch(m, $@"calibration \d+/{total} samples")), string.Join(" | ", progress));
            StringAssert.Contains(progress[^1], $"calibration {total}/{total} samples", "the last line says all were done");
        }
    }

    [TestMethod]
    public void Samples_are_streamed_not_collected()
    {
        // A source that never ends. At every sample it checks that the calibrator has run all but the current batch and
        // the next one being prepared (SamplePrefetch: one batch ahead, plus the sample being handed over) of what it was
        // given (a calibrator that collected samples first would fall behind at once); after 1000 batches it stops the
        // run by throwing, the only way out of an endless source.
        const int batchSize = 4, stopAfter = 4000, mostHeld = 2 * batchSize + 1;
        var processed = new ProcessedSamples();
        int produced = 0, mostAhead = 0;
        IEnumerable<float[]> Endless()
        {
            while (true)
            {
                mostAhead = Math.Max(mostAhead, produced - processed.Count);
                if (produced - processed.Count > mostHeld) throw new SourceStopped($"the calibrator holds {produced - processed.Count} samples it has not run");
                if (produced == stopAfter) throw new SourceStopped("enough");
                produced++;
                yield return [produced % 7, 1f, -1f, 0f];
            }
        }

        var stopped = Assert.ThrowsExactly<SourceStopped>(() => Calibrator.Calibrate(AddRelu(), Endless(), new RecordingBuildLog(),
            new CalibrationSettings { BatchSize = batchSize, ObserverFactory = processed.NewObserver }));

        Assert.AreEqual("enough", stopped.Message, "the calibrator never held more than two batches");
        Assert.AreEqual(stopAfter, processed.Count, "every sample pulled was run");
        Assert.IsGreaterThanOrEqualTo(batchSize - 1, mostAhead, "it held at least the rest of the current batch");
        Assert.IsLessThanOrEqualTo(mostHeld, mostAhead, "asked for a sample, it held at most the current batch and the next");
    }

    private sealed class SourceStopped(string message) : Exception(message);

    /// <summary>Counts the tensor samples an extra observer is shown.</summary>
    private sealed class SampleVisits : ModelBuild.Core.Execution.ITensorObserver
    {
        public int Count { get; private set; }

        public void Observe(Tensor tensor, ReadOnlySpan<float> values, int batch) => Count += batch;
    }

    /// <summary>Min/max observers that also count the samples the calibrator has run through the model.</summary>
    private sealed class ProcessedSamples
    {
        private readonly List<Counting> observers = [];

        // Read by the source on the prefetch thread while the calibrator adds observers.
        public int Count
        {
            get
            {
                lock (observers) return observers.Count == 0 ? 0 : observers.Max(o => Volatile.Read(ref o.Samples));
            }
        }

        public ITensorRangeObserver NewObserver()
        {
            var o = new Counting();
            lock (observers) observers.Add(o);
            return o;
        }

        private sealed class Counting : ITensorRangeObserver
        {
            private readonly MinMaxObserver inner = new();

            public int Samples;

            public TensorRange? Range => inner.Range;

            public void Observe(ReadOnlySpan<float> values, int batch)
            {
                inner.Observe(values, batch);
                Volatile.Write(ref Samples, Samples + batch);
            }
        }
    }

    [TestMethod]
    public void A_moving_average_observer_is_pluggable()
    {
        var samples = new[] { new[] { 0f, 0f, 0f, 10f }, new[] { 0f, 0f, 0f, 0f } };
        var r = Calibrator.Calibrate(AddRelu(), samples, new RecordingBuildLog(),
            new CalibrationSettings { ObserverFactory = () => new MovingAverageMinMaxObserver(0.5f), BatchSize = 2 });
        Assert.AreEqual(5f, r.Ranges["input"].Max, 1e-6f); // 0.5*10 + 0.5*0
    }

    [TestMethod]
    public void One_pass_feeding_several_statistics_gives_each_the_ranges_of_its_own_calibration()
    {
        // Laplace-like values with rare large outliers: min/max, moving average, percentile and MSE all pick different ranges.
        var random = new Random(7);
        var samples = Enumerable.Range(0, 3001).Select(i => Enumerable.Range(0, 4).Select(_ =>
            (float)(Math.Log(random.NextDouble() + 1e-9) * (random.Next(2) * 2 - 1)) * (i % 13 == 5 ? 20 : 1)).ToArray()).ToList();
        var factories = new Func<ITensorRangeObserver>[]
        {
            RangeEstimators.Factory(RangeEstimator.MinMax), () => new MovingAverageMinMaxObserver(),
            RangeEstimators.Factory(RangeEstimator.Percentile), RangeEstimators.Factory(RangeEstimator.Mse),
        };
        int passes = 0;
        IEnumerable<float[]> Counted()
        {
            passes++;
            foreach (var s in samples) yield return s;
        }

        var also = new SampleVisits();
        var settings = new CalibrationSettings { BatchSize = 3, AlsoObserve = also };
        var each = Calibrator.CalibrateEach(AddRelu(), Counted(), new RecordingBuildLog(), factories, settings);

        Assert.AreEqual(1, passes, "one float pass over the samples");
        Assert.AreEqual(3 * samples.Count, also.Count, "the extra observer saw each of the 3 tensors of every sample once");
        Assert.HasCount(factories.Length, each);
        for (int i = 0; i < factories.Length; i++)
        {
            var alone = Calibrator.Calibrate(AddRelu(), samples, new RecordingBuildLog(), new CalibrationSettings { BatchSize = 3, ObserverFactory = factories[i] });
            Assert.AreEqual(samples.Count, each[i].SampleCount);
            CollectionAssert.AreEquivalent(alone.Ranges.ToList(), each[i].Ranges.ToList(), $"statistic {i}");
        }

        Assert.AreEqual(4, each.Select(r => r.Ranges["input"]).Distinct().Count(), "the statistics differ, so a mix-up would show");
    }

    [TestMethod]
    [DoNotParallelize] // looks at the process's last full collection
    public void Releasing_memory_ends_the_pass_with_a_full_collection_and_keeps_the_ranges()
    {
        var samples = new[] { new[] { -3f, 0f, 1f, 2f }, new[] { 0.5f, 0.5f, 4f, -1f }, new[] { 0f, 0f, 0f, 0f } };
        var plain = Calibrator.Calibrate(AddRelu(), samples, new RecordingBuildLog());
        long before = GC.GetGCMemoryInfo(GCKind.FullBlocking).Index;
        var released = Calibrator.Calibrate(AddRelu(), samples, new RecordingBuildLog(), new CalibrationSettings { ReleaseMemory = true });
        var last = GC.GetGCMemoryInfo(GCKind.FullBlocking);

        Assert.IsGreaterThan(before, last.Index, "a full blocking collection ran after the pass");
        Assert.AreEqual(3, released.SampleCount);
        CollectionAssert.AreEquivalent(plain.Ranges.ToList(), released.Ranges.ToList());
    }

    [TestMethod]
    public void A_wrong_sample_size_is_MB3011()
    {
        var e = Assert.ThrowsExactly<ModelBuildException>(() => Calibrator.Calibrate(AddRelu(), [new float[5]], new RecordingBuildLog()));
        Assert.AreEqual("MB3011", e.Code);
        StringAssert.Contains(e.Message, "needs 4");
    }

    [TestMethod]
    public void No_samples_is_MB3012()
    {
        var e = Assert.ThrowsExactly<ModelBuildException>(() => Calibrator.Calibrate(AddRelu(), [], new RecordingBuildLog()));
        Assert.AreEqual("MB3012", e.Code);
    }
}
