using System.Text.Json.Nodes;
using ModelBuild.Core.Synthesis.Layers;

namespace ModelBuild.Core.Synthesis;

/// <summary>
/// A functional Keras model being synthesized: one input, one output, every layer called once. Knows the order in
/// which Keras lists layers (config, <c>layer_names</c>) and writes the <c>model_config</c> JSON.
/// </summary>
internal sealed class SynthModel
{
    public SynthModel(string name, InputLayerSpec input, SynthLayer output)
    {
        Name = name;
        Input = input;
        Output = output;
        Layers = KerasLayerOrder(output);
        if (Layers[0] != input) throw new InvalidOperationException($"model '{name}': the input layer is not the first layer.");
        var duplicate = Layers.GroupBy(l => l.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidOperationException($"model '{name}': two layers are named '{duplicate.Key}'.");
    }

    public string Name { get; }

    public InputLayerSpec Input { get; }

    public SynthLayer Output { get; }

    /// <summary>Layers in Keras' <c>model.layers</c> order.</summary>
    public IReadOnlyList<SynthLayer> Layers { get; }

    /// <summary>Draws every layer's weights from its own stream of <paramref name="seed"/>.</summary>
    public void Initialize(int seed)
    {
        Parallel.ForEach(Layers, layer => layer.Initialize(SynthRandom.ForLayer(seed, layer.SeedKey ?? layer.Name)));
    }

    /// <summary>
    /// Runs the model on a batch; when <paramref name="measure"/> is set, every BatchNormalization first takes its
    /// moving statistics from the activations it receives, in layer order, so each sees its predecessors' final values.
    /// </summary>
    public FeatureMap Run(FeatureMap input, bool measure = false)
    {
        var lastUse = new Dictionary<SynthLayer, int>();
        for (int i = 0; i < Layers.Count; i++)
            foreach (var source in Layers[i].Inputs) lastUse[source] = i;

        var values = new Dictionary<SynthLayer, FeatureMap> { [Input] = input };
        for (int i = 1; i < Layers.Count; i++)
        {
            var layer = Layers[i];
            var inputs = layer.Inputs.Select(l => values[l]).ToList();
            if (measure && layer is BatchNormalizationLayer bn) bn.Measure(inputs[0]);
            values[layer] = layer.Forward(inputs);
            foreach (var source in layer.Inputs)
                if (lastUse[source] == i) values.Remove(source);
        }

        return values[Output];
    }

    /// <summary>The <c>model_config</c> attribute: a Keras 2 functional model config.</summary>
    public string ModelConfigJson()
    {
        var layers = new JsonArray();
        foreach (var layer in Layers)
        {
            var inbound = new JsonArray();
            if (layer.Inputs.Count > 0)
                inbound.Add(new JsonArray(layer.Inputs.Select(s => (JsonNode)new JsonArray(s.Name, 0, 0, layer.Keras2CallKwargs())).ToArray()));
            layers.Add(new JsonObject
            {
                ["class_name"] = layer.ClassName,
                ["config"] = layer.Config(),
                ["name"] = layer.Name,
                ["inbound_nodes"] = inbound,
            });
        }

        var model = new JsonObject
        {
            ["class_name"] = "Functional",
            ["config"] = new JsonObject
            {
                ["name"] = Name,
                ["layers"] = layers,
                ["input_layers"] = new JsonArray(new JsonArray(Input.Name, 0, 0)),
                ["output_layers"] = new JsonArray(new JsonArray(Output.Name, 0, 0)),
            },
        };
        return PythonJson.Serialize(model);
    }

    /// <summary>
    /// Keras' functional layer order: by depth (longest path to the output) from the input down, ties broken by the
    /// order in which a depth-first walk from the output, inputs in call order, first reaches each layer.
    /// </summary>
    private static List<SynthLayer> KerasLayerOrder(SynthLayer output)
    {
        var firstSeen = new Dictionary<SynthLayer, int>();
        var postOrder = new List<SynthLayer>();
        var finished = new HashSet<SynthLayer>();
        var stack = new Stack<(SynthLayer Layer, int Next)>();
        stack.Push((output, 0));
        firstSeen[output] = 0;
        while (stack.Count > 0)
        {
            var (layer, next) = stack.Pop();
            if (next < layer.Inputs.Count)
            {
                stack.Push((layer, next + 1));
                var source = layer.Inputs[next];
                if (finished.Contains(source)) continue;
                if (firstSeen.ContainsKey(source)) throw new InvalidOperationException($"layer '{source.Name}' is part of a cycle.");
                firstSeen[source] = firstSeen.Count;
                stack.Push((source, 0));
                continue;
            }

            finished.Add(layer);
            postOrder.Add(layer);
        }

        var depth = new Dictionary<SynthLayer, int>();
        for (int i = postOrder.Count - 1; i >= 0; i--)
        {
            var layer = postOrder[i];
            int d = depth.GetValueOrDefault(layer);
            depth[layer] = d;
            foreach (var source in layer.Inputs) depth[source] = Math.Max(depth.GetValueOrDefault(source), d + 1);
        }

        return postOrder.OrderByDescending(l => depth[l]).ThenBy(l => firstSeen[l]).ToList();
    }
}
