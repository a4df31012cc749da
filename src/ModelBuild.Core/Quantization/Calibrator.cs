using System.Diagnostics;
using System.Runtime.CompilerServices;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Quantization.Calibration;

namespace ModelBuild.Core.Quantization;

/// <summary>
/// Runs the float graph over representative samples and records a range for every runtime tensor (model inputs
/// and every node output). Samples are streamed: at most <see cref="CalibrationSettings.BatchSize"/> are held at a
/// time, and as many more are prepared ahead on another thread (<see cref="SamplePrefetch"/>), so memory does not grow
/// with the number of samples.
/// </summary>
public static class Calibrator
{
    public static CalibrationResult Calibrate(ModelGraph floatGraph, IEnumerable<float[]> samples, IBuildLog log) =>
        Calibrate(floatGraph, samples, log, new CalibrationSettings());

    public static CalibrationResult Calibrate(ModelGraph floatGraph, IEnumerable<float[]> samples, IBuildLog log, CalibrationSettings settings)
    {
        var result = Pass(floatGraph, samples, log, settings);
        // The pass's executor (packed weights as large as the model, activation buffers) is unreachable now that Pass
        // has returned; what follows a build's calibration (quantization) would otherwise allocate on top of it.
        if (settings.ReleaseMemory) MemoryRelease.ReturnToSystem();
        return result;
    }

    /// <summary>The float pass, in its own frame so that nothing of its executor stays reachable once it returns.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static CalibrationResult Pass(ModelGraph floatGraph, IEnumerable<float[]> samples, IBuildLog log, CalibrationSettings settings)
    {
        if (floatGraph.Inputs.Count != 1)
            throw new ModelBuildException("MB3010", null, $"model '{floatGraph.Name}' has {floatGraph.Inputs.Count} inputs; calibration supports single-input models.");
        var input = floatGraph.Inputs[0];
        int sampleSize = checked((int)(input.ElementCount / input.Shape[0]));
        int batchSize = Math.Max(1, settings.BatchSize);
        var executor = new FloatExecutor(floatGraph);
        var observer = new RangeCollector(settings.ObserverFactory);
        ITensorObserver[] others = [.. new ITensorObserver?[] { settings.AlsoObserve, settings.Reference }.OfType<ITensorObserver>()];
        ITensorObserver watchers = others.Length == 0 ? observer : new TensorObserverSet([observer, .. others]);
        var batch = new float[batchSize * sampleSize];
        int inBatch = 0, count = 0;
        var clock = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        int reportedTenths = 0;
        var garbage = settings.ReleaseMemory ? MemoryRelease.ForStream() : null;

        void Flush()
        {
            if (inBatch == 0) return;
            var data = inBatch == batchSize ? batch : batch.AsSpan(0, inBatch * sampleSize).ToArray();
            executor.Run(new Dictionary<Tensor, float[]> { [input] = data }, inBatch, watchers);
            count += inBatch;
            inBatch = 0;
            garbage?.Check();
            if (settings.ExpectedSamples is int total and > 0)
            {
                // Every tenth of the total at most: ten lines however many samples, however fast.
                int tenth = Math.Min(10, count * 10 / total);
                if (tenth > reportedTenths)
                {
                    reportedTenths = tenth;
                    log.Progress($"{floatGraph.Name}: calibration {count}/{total} samples, {clock.Elapsed.TotalSeconds:F1} s");
                }
            }
            else if (clock.Elapsed - lastReport >= settings.ProgressInterval)
            {
                lastReport = clock.Elapsed;
                log.Progress($"{floatGraph.Name}: calibration {count} samples, {clock.Elapsed.TotalSeconds:F1} s");
            }
        }

        foreach (var sample in SamplePrefetch.Ahead(samples, batchSize))
        {
            if (sample.Length != sampleSize)
                throw new ModelBuildException("MB3011", null,
                    $"calibration sample {count + inBatch + 1} has {sample.Length} values but model input '{input.Name}' needs {sampleSize} ({string.Join('x', input.Shape.Skip(1))}).");
            sample.CopyTo(batch, inBatch * sampleSize);
            if (++inBatch == batchSize) Flush();
        }

        Flush();
        if (count == 0)
            throw new ModelBuildException("MB3012", null, $"no calibration samples were given for model '{floatGraph.Name}'; supply representative inputs.");
        log.Progress($"{floatGraph.Name}: calibrated {observer.Count} tensors over {count} samples in {clock.Elapsed.TotalSeconds:F1} s");
        var result = observer.ToResult();
        result.SampleCount = count;
        return result;
    }

    /// <summary>
    /// One float pass over <paramref name="samples"/> feeding several range statistics at once: result i is exactly what
    /// <see cref="Calibrate(ModelGraph, IEnumerable{float[]}, IBuildLog, CalibrationSettings)"/> gives with
    /// <paramref name="factories"/>[i] as <see cref="CalibrationSettings.ObserverFactory"/> (each statistic sees the same
    /// batches in the same order), for the float cost of one. <see cref="CalibrationSettings.AlsoObserve"/> sees the pass once.
    /// </summary>
    public static IReadOnlyList<CalibrationResult> CalibrateEach(
        ModelGraph floatGraph, IEnumerable<float[]> samples, IBuildLog log, IReadOnlyList<Func<ITensorRangeObserver>> factories, CalibrationSettings? settings = null)
    {
        if (factories.Count == 0) throw new ArgumentException("at least one range statistic is needed", nameof(factories));
        settings ??= new CalibrationSettings();
        var others = factories.Skip(1).Select(f => new RangeCollector(f)).ToList();
        ITensorObserver[] watchers = settings.AlsoObserve is { } extra ? [.. others, extra] : [.. others];
        var also = watchers.Length == 0 ? null : new TensorObserverSet(watchers);
        var first = Calibrate(floatGraph, samples, log, settings with { ObserverFactory = factories[0], AlsoObserve = also });
        var results = new List<CalibrationResult> { first };
        foreach (var collector in others)
        {
            var r = collector.ToResult();
            r.SampleCount = first.SampleCount;
            results.Add(r);
        }

        return results;
    }

    private sealed class RangeCollector(Func<ITensorRangeObserver> factory) : ITensorObserver
    {
        private readonly Dictionary<string, ITensorRangeObserver> observers = new(StringComparer.Ordinal);

        public int Count => observers.Count;

        public void Observe(Tensor tensor, ReadOnlySpan<float> values, int batch)
        {
            if (!observers.TryGetValue(tensor.Name, out var o)) observers[tensor.Name] = o = factory();
            o.Observe(values, batch);
        }

        public CalibrationResult ToResult()
        {
            var r = new CalibrationResult();
            foreach (var (name, o) in observers)
                if (o.Range is TensorRange range) r.Set(name, range.Min, range.Max);
            return r;
        }
    }
}

/// <summary>Knobs of a calibration run.</summary>
public sealed record CalibrationSettings
{
    /// <summary>The statistic kept per tensor; <see cref="MinMaxObserver"/> by default.</summary>
    public Func<ITensorRangeObserver> ObserverFactory { get; init; } = () => new MinMaxObserver();

    /// <summary>Samples run through the float executor together (bounded memory, better throughput).</summary>
    public int BatchSize { get; init; } = 4;

    /// <summary>Without <see cref="ExpectedSamples"/>: a progress line (samples so far) at most this often.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Another observer of the same float run (e.g. the channel means bias correction needs).</summary>
    public ITensorObserver? AlsoObserve { get; init; }

    /// <summary>Keeps the float values of the pass's first samples for the accuracy report (a build whose report reuses them).</summary>
    public FloatReference? Reference { get; init; }

    /// <summary>The samples the source will give, when known: progress is then "done/total" at each tenth of it.</summary>
    public int? ExpectedSamples { get; init; }

    /// <summary>
    /// For a build in a long-lived process (ConvertInt8 in an MSBuild node): the samples' garbage (decoded images,
    /// resized samples: about 1 MB per image) is collected every <see cref="MemoryRelease.StreamGarbageBytes"/>, and
    /// the pass's float executor is collected and its memory given back to the system when the pass ends. A few
    /// full collections, milliseconds each; off by default (tests and tools calibrating many small models).
    /// </summary>
    public bool ReleaseMemory { get; init; }
}
