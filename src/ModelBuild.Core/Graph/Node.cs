namespace ModelBuild.Core.Graph;

/// <summary>One operator application. Constant inputs (weights, biases, paddings) are constant tensors.</summary>
public sealed class Node
{
    public Node(string name, OpType op, IReadOnlyList<Tensor?> inputs, IReadOnlyList<Tensor> outputs, OpOptions? options = null)
    {
        Name = name;
        Op = op;
        Inputs = inputs.ToList();
        Outputs = outputs.ToList();
        Options = options;
    }

    /// <summary>Unique node name; by convention the Keras layer name (plus a suffix when a layer became several ops).</summary>
    public string Name { get; set; }

    public OpType Op { get; set; }

    /// <summary>Inputs in TFLite order. A null entry is an omitted optional input (e.g. a conv without bias).</summary>
    public List<Tensor?> Inputs { get; }

    public List<Tensor> Outputs { get; }

    public OpOptions? Options { get; set; }

    /// <summary>The Keras layer this op came from, for error messages (e.g. "conv1_conv").</summary>
    public string? SourceLayer { get; set; }

    /// <summary>The Keras class of that layer (e.g. "Conv2D").</summary>
    public string? SourceClass { get; set; }

    public T OptionsAs<T>() where T : OpOptions =>
        Options as T ?? throw new InvalidOperationException($"Node '{Name}' ({Op}) has no {typeof(T).Name}.");

    /// <summary>Input <paramref name="index"/>, or null when the node has fewer inputs or that optional input is omitted (e.g. a conv's bias).</summary>
    public Tensor? OptionalInput(int index) => index < Inputs.Count ? Inputs[index] : null;

    public IEnumerable<Tensor> RuntimeInputs => Inputs.Where(t => t is { IsConstant: false })!;

    public override string ToString() => $"{Name}: {Op}({string.Join(", ", Inputs.Select(i => i?.Name ?? "-"))}) -> {string.Join(", ", Outputs.Select(o => o.Name))}";
}
