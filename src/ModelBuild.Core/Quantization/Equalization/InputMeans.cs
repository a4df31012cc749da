using System.Numerics;
using System.Runtime.CompilerServices;
using ModelBuild.Core.Execution;
using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Quantization.Equalization;

/// <summary>
/// Mean of every element (position and channel, over the calibration samples) of the runtime input of each
/// CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED: what bias correction needs, borders included.
/// The sums are doubles, one per element (a ResNet's come to about 100 MB): each batch's samples are added in sample
/// order, split over the cores and vector lanes; and the sums' memory is touched page by page on another thread as
/// soon as they are made (see <see cref="Prefault"/>), so the first batch does not wait for the system to map it.
/// </summary>
public sealed class InputMeans : ITensorObserver
{
    private readonly Dictionary<string, (double[] Sum, long Samples, int Order)> sums = new(StringComparer.Ordinal);
    private readonly List<double[]> inOrder = [];
    private readonly object gate = new();
    private int prefaulted;

    public InputMeans(ModelGraph graph)
    {
        foreach (var n in graph.Nodes)
            if (BiasCorrection.IsCorrectable(n) && n.Inputs[0] is { } x && !sums.ContainsKey(x.Name))
            {
                var sum = new double[x.ElementCount / Math.Max(1, x.Shape[0])];
                sums.Add(x.Name, (sum, 0, inOrder.Count));
                inOrder.Add(sum);
            }

        if (inOrder.Sum(s => (long)s.Length) * sizeof(double) < PrefaultBytes) prefaulted = inOrder.Count;
        else new Thread(Prefault) { IsBackground = true, Name = "ModelBuild input means" }.Start();
    }

    /// <summary>Below this, the sums' pages are mapped on first use as any array's (a thread would cost more than it saves).</summary>
    private const long PrefaultBytes = 4L << 20;

    public void Observe(Tensor tensor, ReadOnlySpan<float> values, int batch)
    {
        if (!sums.TryGetValue(tensor.Name, out var entry)) return;
        var (sum, samples, order) = entry;
        if (values.Length != sum.Length * batch) return;
        WaitForPrefault(order);
        Accumulate(sum, values, batch);
        sums[tensor.Name] = (sum, samples + batch, order);
    }

    /// <summary>
    /// Writes a zero into every page of every sum (all zeros already, so nothing changes), in graph order, while the
    /// float executor is being set up: the first write to each page of a fresh array is a page fault, about 100 µs per
    /// megabyte here, a quarter of a second for a ResNet101's sums, which would otherwise fall in the first batch.
    /// </summary>
    private void Prefault()
    {
        for (int k = 0; k < inOrder.Count; k++)
        {
            var sum = inOrder[k];
            for (int i = 0; i < sum.Length; i += 512) sum[i] = 0;
            lock (gate)
            {
                prefaulted = k + 1;
                Monitor.PulseAll(gate);
            }
        }
    }

    /// <summary>Sum <paramref name="order"/> is not written by <see cref="Prefault"/> once this returns (no lost additions).</summary>
    private void WaitForPrefault(int order)
    {
        if (Volatile.Read(ref prefaulted) > order) return;
        lock (gate)
            while (prefaulted <= order) Monitor.Wait(gate);
    }

    /// <summary>Elements of the sums one worker adds all of a batch's samples to before moving on (kept in the core's cache).</summary>
    private const int Chunk = 2048;

    /// <summary>
    /// Adds each of the <paramref name="batch"/> samples in <paramref name="values"/> to <paramref name="sum"/>, element by
    /// element, in sample order: split over the cores and the vector lanes, every element still sees the same double
    /// additions in the same order as the plain loop, so the sums (and the build's bias correction) are the same bit for bit.
    /// </summary>
    internal static unsafe void Accumulate(double[] sum, ReadOnlySpan<float> values, int batch)
    {
        fixed (float* p = values)
        {
            float* start = p;
            CoreParallel.ForRanges(sum.Length, (from, to) => AddRange(sum, start, batch, from, to), batch);
        }
    }

    /// <summary>Elements [<paramref name="from"/>, <paramref name="to"/>) of every sample, chunk by chunk. Optimized from its first
    /// call: the tiered JIT's first code for vector loops is several times slower, and calibration calls this a few hundred times only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void AddRange(double[] sum, float* values, int batch, int from, int to)
    {
        int n = sum.Length;
        for (int c = from; c < to; c += Chunk)
        {
            int length = Math.Min(Chunk, to - c);
            for (int b = 0; b < batch; b++)
                Add(sum.AsSpan(c, length), new ReadOnlySpan<float>(values + ((long)b * n) + c, length));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Add(Span<double> sum, ReadOnlySpan<float> sample)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int w = Vector<float>.Count, half = Vector<double>.Count;
            for (; i <= sample.Length - w; i += w)
            {
                // Widening float to double is exact, and a lane's double addition is the scalar one.
                Vector.Widen(new Vector<float>(sample.Slice(i, w)), out var low, out var high);
                (new Vector<double>(sum.Slice(i, half)) + low).CopyTo(sum.Slice(i, half));
                (new Vector<double>(sum.Slice(i + half, half)) + high).CopyTo(sum.Slice(i + half, half));
            }
        }

        for (; i < sample.Length; i++) sum[i] += sample[i];
    }

    /// <summary>The mean of each element of one sample of <paramref name="tensor"/>, or null when it was not observed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per layer over large arrays: no tier-0 loop
    public float[]? Of(Tensor tensor)
    {
        if (!sums.TryGetValue(tensor.Name, out var e) || e.Samples == 0) return null;
        var mean = new float[e.Sum.Length];
        double samples = e.Samples;
        for (int i = 0; i < mean.Length; i++) mean[i] = (float)(e.Sum[i] / samples);
        return mean;
    }
}
