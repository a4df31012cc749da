using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Slicing;

/// <summary>
/// Cuts a contiguous sub-model out of a graph: everything computed from one cut tensor up to another. The slice's
/// input is the cut tensor itself (its real shape, type and quantization, e.g. int8 1×14×14×1024), so slicing an
/// int8 graph needs no conversion and consecutive slices chain bit-exactly.
/// </summary>
public static class GraphSlicer
{
    /// <param name="fromTensor">The slice's input; null = the model's inputs.</param>
    /// <param name="toTensor">The slice's output; null = the model's outputs.</param>
    /// <param name="shareConstants">When true the slice's constant tensors are new tensors over the same data arrays
    /// (no copy of the weights), for a caller that only reads the slice, such as the writer.</param>
    /// <returns>A deep copy: changing it (or, unless <paramref name="shareConstants"/>, its constants) never touches <paramref name="graph"/>.</returns>
    /// <exception cref="ArgumentException">A name is unknown, <paramref name="fromTensor"/> is not a single-tensor cut
    /// (some op of the range also reads a tensor that does not come from it), or the range is empty.</exception>
    public static ModelGraph Slice(ModelGraph graph, string? fromTensor, string? toTensor, bool shareConstants = false)
    {
        var from = fromTensor is null ? graph.Inputs.ToList() : [Find(graph, fromTensor, "from")];
        var to = toTensor is null ? graph.Outputs.ToList() : [Find(graph, toTensor, "to")];
        foreach (var t in from.Concat(to))
            if (t.IsConstant) throw new ArgumentException($"Model '{graph.Name}': '{t.Name}' is a constant, not a place to cut.");

        var fromSet = new HashSet<Tensor>(from, ReferenceEqualityComparer.Instance);
        var producers = graph.Producers();
        var keep = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        var usedInputs = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<(Tensor Tensor, Node? Reader)>(to.Select(t => (t, (Node?)null)));
        while (pending.Count > 0)
        {
            var (t, reader) = pending.Pop();
            if (fromSet.Contains(t))
            {
                usedInputs.Add(t);
                continue;
            }

            if (t.IsConstant) continue;
            if (!producers.TryGetValue(t, out var producer))
            {
                var via = reader is null ? "" : $" (read by '{reader.Name}')";
                throw new ArgumentException(fromTensor is null
                    ? $"Model '{graph.Name}': '{t.Name}'{via} is neither produced by an op nor a model input."
                    : $"Model '{graph.Name}': '{fromTensor}' is not a single-tensor cut before '{toTensor ?? "the outputs"}': " +
                      $"'{t.Name}'{via} reaches that range without passing through '{fromTensor}'. Cut at a tensor every path goes through.");
            }

            if (!keep.Add(producer)) continue;
            foreach (var i in producer.Inputs)
                if (i is not null) pending.Push((i, producer));
        }

        if (keep.Count == 0)
            throw new ArgumentException($"Model '{graph.Name}': the slice from '{fromTensor ?? "the inputs"}' to '{toTensor ?? "the outputs"}' contains no op.");
        if (fromTensor is not null && usedInputs.Count == 0)
            throw new ArgumentException($"Model '{graph.Name}': '{toTensor ?? "the outputs"}' does not depend on '{fromTensor}'.");

        var copies = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance);
        Tensor Copy(Tensor t)
        {
            if (copies.TryGetValue(t, out var c)) return c;
            c = new Tensor(t.Name, (int[])t.Shape.Clone(), t.Type, shareConstants ? t.Data : (Array?)t.Data?.Clone())
            {
                Quant = t.Quant is { } q ? new QuantParams((float[])q.Scale.Clone(), (long[])q.ZeroPoint.Clone(), q.QuantizedDimension) : null,
            };
            copies[t] = c;
            return c;
        }

        // Keep the original topological order; model inputs that the range does not read are dropped.
        var inputs = from.Where(usedInputs.Contains).Select(Copy).ToList();
        var nodes = graph.Nodes.Where(keep.Contains).Select(n => new Node(n.Name, n.Op, n.Inputs.Select(i => i is null ? null : Copy(i)).ToList(),
            n.Outputs.Select(Copy).ToList(), n.Options)
        {
            SourceLayer = n.SourceLayer,
            SourceClass = n.SourceClass,
        }).ToList();
        return new ModelGraph(graph.Name, inputs, to.Select(Copy), nodes);
    }

    private static Tensor Find(ModelGraph graph, string name, string role) =>
        graph.Tensors.FirstOrDefault(t => t.Name == name)
        ?? throw new ArgumentException($"Model '{graph.Name}' has no tensor named '{name}' (slice {role}).");
}
