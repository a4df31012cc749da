using ModelBuild.Core.Execution.Int8;
using ModelBuild.Core.Graph;
using ModelBuild.Core.Operators;

namespace ModelBuild.Core.Execution;

/// <summary>
/// Runs an int8 graph (made by the quantizer or read from a .tflite) with TFLite 2.9's integer arithmetic,
/// so its outputs are bit-identical to TFLite's built-in CPU kernels. Batch 1, as in the graph.
/// </summary>
public sealed class Int8Executor
{
    private readonly ModelGraph graph;
    private readonly List<(Node Node, Int8Kernel Kernel)> kernels;
    private readonly Dictionary<Tensor, int> lastUse;

    public Int8Executor(ModelGraph int8Graph)
    {
        graph = int8Graph;
        foreach (var t in graph.Inputs.Concat(graph.Outputs))
            if (t.Type != DataType.Int8)
                throw new NotSupportedException($"Model '{graph.Name}': tensor '{t.Name}' is {t.Type}; the int8 executor needs int8 model inputs and outputs.");
        // Each node's weights packed on its own core.
        kernels = [.. CoreParallel.Map(graph.Nodes.Count, i => (graph.Nodes[i], Create(graph.Nodes[i])))];
        lastUse = new Dictionary<Tensor, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < graph.Nodes.Count; i++)
            foreach (var t in graph.Nodes[i].Inputs)
                if (t is { IsConstant: false }) lastUse[t] = i;
    }

    public ModelGraph Graph => graph;

    /// <summary>Single input, single output.</summary>
    public sbyte[] Run(sbyte[] input)
    {
        if (graph.Inputs.Count != 1 || graph.Outputs.Count != 1)
            throw new InvalidOperationException($"Model '{graph.Name}' has {graph.Inputs.Count} inputs and {graph.Outputs.Count} outputs; use the dictionary overload.");
        return Run(new Dictionary<Tensor, sbyte[]>(ReferenceEqualityComparer.Instance) { [graph.Inputs[0]] = input })[graph.Outputs[0]];
    }

    /// <summary>Inputs and outputs in the graph's order.</summary>
    public IReadOnlyList<sbyte[]> Run(IReadOnlyList<sbyte[]> inputs)
    {
        var map = new Dictionary<Tensor, sbyte[]>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < graph.Inputs.Count; i++) map[graph.Inputs[i]] = inputs[i];
        var result = Run(map);
        return graph.Outputs.Select(o => result[o]).ToList();
    }

    public IReadOnlyDictionary<Tensor, sbyte[]> Run(IReadOnlyDictionary<Tensor, sbyte[]> inputs, Action<Tensor, sbyte[]>? observer = null)
    {
        var store = new Int8TensorStore();
        foreach (var t in graph.Inputs)
        {
            if (!inputs.TryGetValue(t, out var v))
                throw new ArgumentException($"No value given for model input '{t.Name}'.", nameof(inputs));
            if (v.Length != t.ElementCount)
                throw new ArgumentException($"Input '{t.Name}' needs {t.ElementCount} values ({string.Join('x', t.Shape)}), got {v.Length}.", nameof(inputs));
            store.Set(t, v);
            observer?.Invoke(t, v);
        }

        var outputs = new HashSet<Tensor>(graph.Outputs, ReferenceEqualityComparer.Instance);
        for (int i = 0; i < kernels.Count; i++)
        {
            var (node, kernel) = kernels[i];
            kernel.Run(store);
            if (observer is not null)
                foreach (var o in node.Outputs) observer(o, store.Get(o));
            foreach (var t in node.Inputs)
                if (t is { IsConstant: false } && lastUse[t] == i && !outputs.Contains(t) && !graph.Inputs.Contains(t))
                    store.Release(t);
        }

        var result = new Dictionary<Tensor, sbyte[]>(ReferenceEqualityComparer.Instance);
        foreach (var o in graph.Outputs) result[o] = store.Get(o);
        return result;
    }

    private static Int8Kernel Create(Node node)
    {
        foreach (var t in node.Inputs.Concat(node.Outputs))
            if (t is { IsConstant: false, Type: not DataType.Int8 })
                throw new NotSupportedException($"Node '{node.Name}' ({node.Op}): tensor '{t.Name}' is {t.Type}; the int8 executor runs int8 activations only.");
        return OperatorRegistry.For(node).CreateInt8Kernel(node);
    }
}
