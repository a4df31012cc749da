namespace ModelBuild.Core.Graph.Rewrites;

/// <summary>Removes ops that do nothing at inference: reshapes to the same shape.</summary>
public static class IdentityRemoval
{
    public static void Apply(ModelGraph graph)
    {
        foreach (var n in graph.Nodes.ToList())
        {
            if (n.Op != OpType.Reshape || n.Inputs[0] is not { } x || !x.Shape.SequenceEqual(n.Outputs[0].Shape)) continue;
            var y = n.Outputs[0];
            if (graph.Inputs.Contains(x) && graph.Outputs.Contains(y)) continue;
            graph.Nodes.Remove(n);
            GraphRewrites.Redirect(graph, y, x);
        }
    }
}
