using ModelBuild.Core.Execution.Float;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Operators;

namespace ModelBuild.Core.Execution;

/// <summary>
/// Runs a float IR graph in .NET with TFLite's float semantics; the calibration engine. Weights are packed
/// once at construction; activation buffers are reused across layers and runs. Not thread-safe: use one
/// executor per thread (each run already uses every core).
/// </summary>
public sealed class FloatExecutor
{
    private readonly ModelGraph _graph;
    private readonly Dictionary<Node, FloatKernel> _kernels = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Tensor, int> _lastUse = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// Chains of nodes run as one when nothing observes the run (<see cref="DepthwiseBandKernel"/>), by their first node;
    /// made at the first such run, so an executor that is only ever observed (calibration, the accuracy report) does not
    /// pack those layers' weights a second time.
    /// </summary>
    private readonly Lazy<Dictionary<Node, (FloatKernel Kernel, int Nodes)>> _fused;
    private readonly BufferPool _pool = new();

    public FloatExecutor(ModelGraph graph)
    {
        _graph = graph;
        // Each node's weights packed on its own core.
        var kernels = CoreParallel.Map(graph.Nodes.Count, i => OperatorRegistry.For(graph.Nodes[i]).CreateFloatKernel(graph.Nodes[i]));
        for (int i = 0; i < graph.Nodes.Count; i++)
        {
            var n = graph.Nodes[i];
            foreach (var t in n.Inputs)
                if (t is { IsConstant: false }) _lastUse[t] = i;
            _kernels[n] = kernels[i];
        }

        _fused = new(() => FusedChains(graph));
    }

    private static Dictionary<Node, (FloatKernel Kernel, int Nodes)> FusedChains(ModelGraph graph)
    {
        var fused = new Dictionary<Node, (FloatKernel Kernel, int Nodes)>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < graph.Nodes.Count; i++)
        {
            if (DepthwiseBandKernel.TryCreate(graph, i) is not { } chain) continue;
            fused[graph.Nodes[i]] = chain;
            i += chain.Nodes - 1;
        }

        return fused;
    }

    public ModelGraph Graph => _graph;

    /// <summary>Runs a single-input, single-output model on <paramref name="batch"/> samples laid out one after another.</summary>
    public float[] Run(float[] input, int batch = 1)
    {
        if (_graph.Inputs.Count != 1 || _graph.Outputs.Count != 1)
            throw new InvalidOperationException($"Model '{_graph.Name}' has {_graph.Inputs.Count} inputs and {_graph.Outputs.Count} outputs; use the dictionary overload.");
        return Run(new Dictionary<Tensor, float[]> { [_graph.Inputs[0]] = input }, batch)[_graph.Outputs[0]];
    }

    /// <summary>
    /// Runs the graph on <paramref name="batch"/> samples; <paramref name="observer"/> sees every tensor as it is made.
    /// A run that nothing observes is timed like inference: on Linux with two or more cores, while no other run is in
    /// progress, the calling thread is bound to the CPU it is on and the engine's kernel threads to the others until
    /// the run returns (its own CPU mask is then restored), and the kernel threads poll between layers instead of
    /// sleeping. See <c>CoreParallel.BeginBurst</c>.
    /// </summary>
    public IReadOnlyDictionary<Tensor, float[]> Run(IReadOnlyDictionary<Tensor, float[]> inputs, int batch = 1, ITensorObserver? observer = null)
    {
        var values = new Dictionary<Tensor, float[]>(ReferenceEqualityComparer.Instance);
        foreach (var t in _graph.Inputs)
        {
            if (!inputs.TryGetValue(t, out var data)) throw new ArgumentException($"No value given for model input '{t.Name}'.");
            var expected = t.ElementCount / t.Shape[0] * batch;
            if (data.Length != expected)
                throw new ArgumentException($"Input '{t.Name}' needs {expected} values ({batch} × [{string.Join(", ", t.Shape.Skip(1))}]) but got {data.Length}.");
            values[t] = data;
            observer?.Observe(t, data, batch);
        }

        var owned = new HashSet<float[]>(ReferenceEqualityComparer.Instance);
        // A run that nothing observes is a latency run: its layers come back to back (see CoreParallel.BeginBurst). An
        // observed run (calibration) does the observer's work between layers, and a polling helper would only take a
        // CPU from the build's other threads (measured: ConvertInt8 +6-12 % with bursts everywhere).
        using var burst = observer is null ? CoreParallel.BeginBurst() : default;
        for (int i = 0; i < _graph.Nodes.Count; i++)
        {
            var n = _graph.Nodes[i];
            var kernel = _kernels[n];
            int last = i;
            if (observer is null && _fused.Value.TryGetValue(n, out var chain)) (kernel, last) = (chain.Kernel, i + chain.Nodes - 1);
            var output = _graph.Nodes[last].Outputs[0];
            var y = _pool.Rent((int)(output.ElementCount / output.Shape[0] * batch));
            owned.Add(y);
            kernel(new FloatOperands(n, values, batch), y);
            values[output] = y;
            observer?.Observe(output, y, batch);

            for (; i <= last; i++)
            {
                foreach (var t in _graph.Nodes[i].Inputs)
                    if (t is { IsConstant: false } && _lastUse[t] == i && !_graph.Outputs.Contains(t) && values.Remove(t, out var buf) && owned.Remove(buf))
                        _pool.Return(buf);
            }

            i = last;
        }

        var result = new Dictionary<Tensor, float[]>(ReferenceEqualityComparer.Instance);
        foreach (var t in _graph.Outputs)
        {
            var v = values[t];
            result[t] = owned.Contains(v) ? (float[])v.Clone() : v;
        }

        foreach (var buf in owned)
            if (values.Values.Contains(buf)) _pool.Return(buf);
        return result;
    }
}
