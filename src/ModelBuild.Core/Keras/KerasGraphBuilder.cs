using System.Text.Json.Nodes;
using ModelBuild.Core.Diagnostics;
using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Keras;

/// <summary>
/// Walks a Keras model config (Sequential or Functional, Keras 2 or 3, nested models, shared layers) and
/// converts every layer call into IR nodes.
/// </summary>
/// <param name="kerasMajor">The major version of the Keras that wrote the file (activations such as hard_sigmoid differ).</param>
internal sealed class KerasGraphBuilder(string file, IKerasWeightSource weights, int kerasMajor)
{
    private readonly GraphEmitter _g = new();
    private LayerConverter Converter => _converter ??= new LayerConverter(file, _g) { KerasMajor = kerasMajor };
    private LayerConverter? _converter;

    public ModelGraph Build(JsonObject modelJson)
    {
        var (inputs, outputs) = BuildModel(modelJson, null, KerasLayerPath.Root);
        var cfg = modelJson["config"] as JsonObject;
        var name = cfg?["name"]?.GetValue<string>() ?? Path.GetFileNameWithoutExtension(file);
        return new ModelGraph(name, inputs, outputs, _g.Nodes);
    }

    private static bool IsModel(string className) => className is "Sequential" or "Functional" or "Model";

    /// <summary>Converts a model; with <paramref name="callInputs"/> it is a nested model applied to those tensors.</summary>
    /// <param name="scope">The model layer itself and those enclosing it (empty for the outermost model).</param>
    private (List<Tensor> Inputs, List<Tensor> Outputs) BuildModel(JsonObject modelJson, IReadOnlyList<Tensor>? callInputs, KerasLayerPath scope)
    {
        var className = modelJson["class_name"]?.GetValue<string>() ?? "";
        var cfg = modelJson["config"] as JsonObject ?? throw Malformed("a model entry has no config");
        var layers = cfg["layers"] as JsonArray ?? throw Malformed("a model config has no layers list");
        return className == "Sequential"
            ? BuildSequential(modelJson, cfg, layers, callInputs, scope)
            : BuildFunctional(cfg, layers, callInputs, scope);
    }

    private (List<Tensor>, List<Tensor>) BuildSequential(JsonObject modelJson, JsonObject cfg, JsonArray layers, IReadOnlyList<Tensor>? callInputs, KerasLayerPath scope)
    {
        Tensor x;
        int start = 0;
        var first = (JsonObject)layers[0]!;
        var firstCfg = new KerasConfig((JsonObject)first["config"]!);
        if (callInputs is not null)
        {
            x = callInputs[0];
            if (LayerClass(first) == "InputLayer") start = 1;
        }
        else
        {
            var shape = firstCfg.BatchInputShape()
                        ?? ShapeList(cfg["build_input_shape"])
                        ?? ShapeList(modelJson["build_config"]?["input_shape"])
                        ?? ShapeList((first["build_config"] as JsonObject)?["input_shape"])
                        ?? throw new ModelBuildException("MB1008", file, "the model's input shape is not recorded; build the model with a fixed input shape (e.g. keras.Input(shape=(224, 224, 3))) before saving.");
            var inputName = LayerClass(first) == "InputLayer" ? LayerName(first) : _g.UniqueName("input");
            if (LayerClass(first) == "InputLayer") start = 1;
            x = MakeInput(inputName, shape);
        }

        var input = x;
        // Sequential.layers (what Keras 3 numbers when saving) leaves out the InputLayer.
        var keys = SavingKeys(layers.Skip(start));
        for (int i = start; i < layers.Count; i++)
        {
            var layer = (JsonObject)layers[i]!;
            x = Apply(layer, [x], scope, keys, 0)[0];
        }

        return ([input], [x]);
    }

    private (List<Tensor>, List<Tensor>) BuildFunctional(JsonObject cfg, JsonArray layers, IReadOnlyList<Tensor>? callInputs, KerasLayerPath scope)
    {
        // (layer name, node index, tensor index) → tensor
        var produced = new Dictionary<(string, int, int), Tensor>();
        var inputRefs = RefList(cfg["input_layers"]);
        var outputRefs = RefList(cfg["output_layers"]);
        var modelInputs = new List<Tensor>();
        var keys = SavingKeys(layers);

        foreach (var (ri, r) in inputRefs.Select((r, i) => (i, r)))
        {
            var layer = layers.Cast<JsonObject>().FirstOrDefault(l => LayerName(l) == r.Layer) ?? throw Malformed($"input layer '{r.Layer}' is not in the layers list");
            Tensor t;
            if (callInputs is not null) t = callInputs[ri];
            else
            {
                var shape = new KerasConfig((JsonObject)layer["config"]!).BatchInputShape()
                            ?? throw new ModelBuildException("MB1008", file, $"input layer '{r.Layer}' has no shape; give the model a fixed input shape before saving.");
                t = MakeInput(r.Layer, shape);
            }

            produced[(r.Layer, 0, 0)] = t;
            modelInputs.Add(t);
        }

        // Layers are listed in an order where inbound layers come first; repeat passes cover odd orders.
        var pending = layers.Cast<JsonObject>().Where(l => LayerClass(l) != "InputLayer").ToList();
        var nodeCount = new Dictionary<string, int>();
        while (pending.Count > 0)
        {
            var progressed = false;
            foreach (var layer in pending.ToList())
            {
                var name = LayerName(layer);
                var calls = InboundCalls(layer).ToList();
                var done = nodeCount.GetValueOrDefault(name);
                while (done < calls.Count)
                {
                    var (refs, kwargs, args) = calls[done];
                    if (!refs.All(r => produced.ContainsKey((r.Layer, r.Node, r.Tensor)))) break;
                    var outs = Apply(layer, refs.Select(r => produced[(r.Layer, r.Node, r.Tensor)]).ToList(), scope, keys, done, kwargs, args);
                    for (int k = 0; k < outs.Count; k++) produced[(name, done, k)] = outs[k];
                    done++;
                    progressed = true;
                }

                nodeCount[name] = done;
                if (done == calls.Count) pending.Remove(layer);
            }

            if (!progressed)
                throw Malformed($"layers {string.Join(", ", pending.Select(LayerName))} cannot be reached from the model inputs");
        }

        var outputs = outputRefs.Select(r => produced.TryGetValue((r.Layer, r.Node, r.Tensor), out var t) ? t : throw Malformed($"output layer '{r.Layer}' was never computed")).ToList();
        return (modelInputs, outputs);
    }

    private List<Tensor> Apply(JsonObject layer, IReadOnlyList<Tensor> inputs, KerasLayerPath scope, Dictionary<string, string> keys, int callIndex,
        JsonObject? kwargs = null, JsonArray? args = null)
    {
        var name = LayerName(layer);
        var className = LayerClass(layer);
        var path = scope.Child(name, keys.GetValueOrDefault(name, name));
        if (IsModel(className))
            return BuildModel(layer, inputs, path).Outputs;
        if (LayerConverter.IsKerasOperation(layer))
            return [Converter.ConvertOperation(callIndex == 0 ? name : $"{name}_call{callIndex}", className, inputs, args ?? [], kwargs)];

        var cfg = new KerasConfig(layer["config"] as JsonObject ?? new JsonObject());
        var layerWeights = new LayerWeights(file, name, className, weights, weights.WeightsOf(path, className, cfg));
        return [Converter.Convert(callIndex == 0 ? name : $"{name}_call{callIndex}", className, cfg, inputs, layerWeights, kwargs)];
    }

    private Tensor MakeInput(string name, int?[] shape)
    {
        if (shape.Skip(1).Any(d => d is null))
            throw new ModelBuildException("MB1008", file,
                $"input '{name}' has an undefined dimension ([{string.Join(", ", shape.Select(d => d?.ToString() ?? "None"))}]); ModelBuild needs a fixed input size — rebuild the model with keras.Input(shape=(H, W, C)) and save it again.");
        return _g.NewTensor(name, new[] { 1 }.Concat(shape.Skip(1).Select(d => d!.Value)).ToArray());
    }

    /// <summary>A [null, 28, 28, 1] style shape (batch first), or null when absent.</summary>
    private static int?[]? ShapeList(JsonNode? node) =>
        node is JsonArray a && a.All(e => e is null or JsonValue) ? a.Select(e => e is null ? (int?)null : (int)e.GetValue<double>()).ToArray() : null;

    private static Dictionary<string, string> SavingKeys(IEnumerable<JsonNode?> layers) =>
        KerasLayerPath.SavingKeys(layers.OfType<JsonObject>().Select(l => (LayerName(l), LayerClass(l))));

    private static string LayerClass(JsonObject layer) => layer["class_name"]?.GetValue<string>() ?? "";

    private static string LayerName(JsonObject layer) =>
        layer["name"]?.GetValue<string>() ?? (layer["config"] as JsonObject)?["name"]?.GetValue<string>() ?? "";

    private readonly record struct TensorRef(string Layer, int Node, int Tensor);

    /// <summary>`input_layers`/`output_layers`: [[name, node, tensor], ...] or a single [name, node, tensor].</summary>
    private static List<TensorRef> RefList(JsonNode? node)
    {
        if (node is not JsonArray a || a.Count == 0) return [];
        if (a[0] is JsonValue) return [ToRef(a)];
        return a.Select(e => ToRef((JsonArray)e!)).ToList();
    }

    private static TensorRef ToRef(JsonArray r) => new(r[0]!.GetValue<string>(), (int)r[1]!.GetValue<double>(), (int)r[2]!.GetValue<double>());

    /// <summary>
    /// Each call of the layer: the tensors it reads (Keras 2 lists or Keras 3 `args`) and its keyword arguments.
    /// A Keras 2 TFOpLambda keeps its second operand in the kwargs (`{"y": 3.0}` or `{"y": [layer, node, tensor]}`);
    /// a tensor operand is appended to the refs. A Keras 3 call keeps its positional `args` (constants such as the
    /// 3.0 of `x + 3.0` among the tensors).
    /// </summary>
    private static IEnumerable<(List<TensorRef> Refs, JsonObject? Kwargs, JsonArray? Args)> InboundCalls(JsonObject layer)
    {
        if (layer["inbound_nodes"] is not JsonArray nodes) yield break;
        foreach (var n in nodes)
        {
            if (n is JsonArray keras2)
            {
                var refs = keras2.Select(e => ToRef((JsonArray)e!)).ToList();
                var kwargs = keras2.Count > 0 && keras2[0] is JsonArray first && first.Count > 3 ? first[3] as JsonObject : null;
                if (kwargs?["y"] is JsonArray y && y.Count >= 3 && y[0] is JsonValue v && v.TryGetValue<string>(out _))
                    refs.Add(ToRef(y));
                yield return (refs, kwargs, null);
            }
            else if (n is JsonObject keras3)
            {
                var refs = new List<TensorRef>();
                CollectKerasTensors(keras3["args"], refs);
                yield return (refs, keras3["kwargs"] as JsonObject, keras3["args"] as JsonArray);
            }
        }
    }

    private static void CollectKerasTensors(JsonNode? node, List<TensorRef> refs)
    {
        switch (node)
        {
            case JsonObject o when o["class_name"]?.GetValue<string>() == "__keras_tensor__":
                refs.Add(ToRef((JsonArray)o["config"]!["keras_history"]!));
                break;
            case JsonArray a:
                foreach (var e in a) CollectKerasTensors(e, refs);
                break;
        }
    }

    private ModelBuildException Malformed(string what) =>
        new("MB1009", file, $"the model config is malformed: {what}; save the model again with Keras model.save().");
}
