namespace ModelBuild.Core.Graph.Rewrites;

/// <summary>
/// Fuses RELU, RELU6 and RELU_N1_TO_1 into the op producing their input (CONV_2D, DEPTHWISE_CONV_2D,
/// FULLY_CONNECTED, ADD, SUB, MUL) when nothing else reads the pre-activation tensor. The fused op
/// produces the activation's tensor, so names like `conv4_block4_out` survive.
/// </summary>
public static class ActivationFusion
{
    public static void Apply(ModelGraph graph)
    {
        var producers = graph.Producers();
        var consumers = graph.Consumers();
        foreach (var act in graph.Nodes.ToList())
        {
            var fused = act.Op switch
            {
                OpType.Relu => FusedActivation.Relu,
                OpType.Relu6 => FusedActivation.Relu6,
                OpType.ReluN1To1 => FusedActivation.ReluN1To1,
                _ => (FusedActivation?)null,
            };
            if (fused is null || act.Inputs[0] is not { } x) continue;
            if (!producers.TryGetValue(x, out var p) || !GraphRewrites.HasSingleInternalConsumer(graph, x, consumers)) continue;
            var options = FusedActivationOptions.Replace(p, FusedActivation.None, fused.Value);
            if (options is null) continue;
            p.Options = options;
            p.Outputs[0] = act.Outputs[0];
            producers[act.Outputs[0]] = p;
            graph.Nodes.Remove(act);
        }
    }
}
