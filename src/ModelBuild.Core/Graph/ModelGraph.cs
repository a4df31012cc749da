namespace ModelBuild.Core.Graph;

/// <summary>
/// A model: runtime inputs, outputs and nodes kept in topological order. The same class holds the float
/// graph read from Keras and the int8 graph made from it by the quantizer.
/// </summary>
public sealed class ModelGraph
{
    public ModelGraph(string name, IEnumerable<Tensor> inputs, IEnumerable<Tensor> outputs, IEnumerable<Node> nodes)
    {
        Name = name;
        Inputs = inputs.ToList();
        Outputs = outputs.ToList();
        Nodes = nodes.ToList();
    }

    /// <summary>Model name (Keras model name or file stem).</summary>
    public string Name { get; set; }

    public List<Tensor> Inputs { get; }

    public List<Tensor> Outputs { get; }

    /// <summary>Nodes in topological order (every node after the producers of its inputs).</summary>
    public List<Node> Nodes { get; }

    /// <summary>Every distinct tensor, in first-use order: inputs, then node inputs/outputs in node order.</summary>
    public IReadOnlyList<Tensor> Tensors
    {
        get
        {
            var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
            var list = new List<Tensor>();
            void Visit(Tensor? t)
            {
                if (t is not null && seen.Add(t)) list.Add(t);
            }

            foreach (var t in Inputs) Visit(t);
            foreach (var n in Nodes)
            {
                foreach (var t in n.Inputs) Visit(t);
                foreach (var t in n.Outputs) Visit(t);
            }

            foreach (var t in Outputs) Visit(t);
            return list;
        }
    }

    /// <summary>The node producing each runtime tensor.</summary>
    public Dictionary<Tensor, Node> Producers()
    {
        var map = new Dictionary<Tensor, Node>(ReferenceEqualityComparer.Instance);
        foreach (var n in Nodes)
            foreach (var o in n.Outputs) map[o] = n;
        return map;
    }

    /// <summary>The nodes reading each tensor, in node order.</summary>
    public Dictionary<Tensor, List<Node>> Consumers()
    {
        var map = new Dictionary<Tensor, List<Node>>(ReferenceEqualityComparer.Instance);
        foreach (var n in Nodes)
            foreach (var i in n.Inputs)
            {
                if (i is null) continue;
                if (!map.TryGetValue(i, out var list)) map[i] = list = [];
                if (list.Count == 0 || !ReferenceEquals(list[^1], n)) list.Add(n);
            }

        return map;
    }

    public Tensor FindTensor(string name) =>
        Tensors.FirstOrDefault(t => t.Name == name) ?? throw new KeyNotFoundException($"No tensor named '{name}' in model '{Name}'.");

    /// <summary>Reorders <see cref="Nodes"/> topologically (stable: keeps the current order where it is valid).</summary>
    public void SortTopologically()
    {
        var producers = Producers();
        var done = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        var order = new List<Node>(Nodes.Count);
        var visiting = new HashSet<Node>(ReferenceEqualityComparer.Instance);

        void Visit(Node n)
        {
            if (done.Contains(n)) return;
            if (!visiting.Add(n)) throw new InvalidOperationException($"Model '{Name}' has a cycle through node '{n.Name}'.");
            foreach (var i in n.Inputs)
                if (i is not null && producers.TryGetValue(i, out var p)) Visit(p);
            visiting.Remove(n);
            done.Add(n);
            order.Add(n);
        }

        foreach (var n in Nodes) Visit(n);
        Nodes.Clear();
        Nodes.AddRange(order);
    }

    /// <summary>Removes nodes whose outputs reach no model output.</summary>
    public void RemoveDeadNodes()
    {
        var live = new HashSet<Tensor>(Outputs, ReferenceEqualityComparer.Instance);
        var keep = new List<Node>();
        for (int i = Nodes.Count - 1; i >= 0; i--)
        {
            var n = Nodes[i];
            if (!n.Outputs.Any(live.Contains)) continue;
            keep.Add(n);
            foreach (var t in n.Inputs)
                if (t is not null) live.Add(t);
        }

        keep.Reverse();
        Nodes.Clear();
        Nodes.AddRange(keep);
    }

    public override string ToString() => $"{Name}: {Nodes.Count} nodes, inputs [{string.Join(", ", Inputs)}], outputs [{string.Join(", ", Outputs)}]";
}
