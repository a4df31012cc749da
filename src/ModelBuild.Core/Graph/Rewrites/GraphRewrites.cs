namespace ModelBuild.Core.Graph.Rewrites;

/// <summary>The standard float-graph clean-up applied after reading a model, in the order that matters.</summary>
public static class GraphRewrites
{
    /// <param name="ownsConstants">True when nothing outside <paramref name="graph"/> holds its constants' arrays (a graph
    /// just read from a file): BatchNorm folding then scales weights in place instead of copying them.</param>
    public static void Apply(ModelGraph graph, bool ownsConstants = false)
    {
        IdentityRemoval.Apply(graph);
        BatchNormFolding.Apply(graph, ownsConstants);
        ActivationFusion.Apply(graph);
        graph.RemoveDeadNodes();
        graph.SortTopologically();
    }

    /// <summary>True when <paramref name="t"/> is read by exactly one node and is not a model output.</summary>
    internal static bool HasSingleInternalConsumer(ModelGraph graph, Tensor t, Dictionary<Tensor, List<Node>> consumers) =>
        !graph.Outputs.Contains(t) && consumers.TryGetValue(t, out var list) && list.Count == 1;

    /// <summary>Makes every reader of <paramref name="from"/> read <paramref name="to"/> instead.</summary>
    internal static void Redirect(ModelGraph graph, Tensor from, Tensor to)
    {
        foreach (var n in graph.Nodes)
            for (int i = 0; i < n.Inputs.Count; i++)
                if (ReferenceEquals(n.Inputs[i], from)) n.Inputs[i] = to;
        for (int i = 0; i < graph.Outputs.Count; i++)
            if (ReferenceEquals(graph.Outputs[i], from)) graph.Outputs[i] = to;
    }
}
