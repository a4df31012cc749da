using ModelBuild.Core.Graph;

namespace ModelBuild.Core.Keras;

/// <summary>Collects nodes while a Keras model is converted; hands out unique tensor names.</summary>
internal sealed class GraphEmitter
{
    private readonly HashSet<string> _names = [];

    public List<Node> Nodes { get; } = [];

    /// <summary>The Keras layer being converted, stamped on every node it emits.</summary>
    public (string Layer, string Class) Current { get; set; }

    public string UniqueName(string wanted)
    {
        if (_names.Add(wanted)) return wanted;
        for (int i = 1; ; i++)
            if (_names.Add($"{wanted}_{i}")) return $"{wanted}_{i}";
    }

    public Tensor NewTensor(string name, int[] shape) => new(UniqueName(name), shape);

    public Tensor Constant(string name, int[] shape, float[] data) => new(UniqueName(name), shape, DataType.Float32, data);

    public Tensor IntConstant(string name, int[] data) => new(UniqueName(name), [data.Length], DataType.Int32, data);

    public Tensor IntConstant(string name, int[] shape, int[] data) => new(UniqueName(name), shape, DataType.Int32, data);

    /// <summary>Adds one node producing a new tensor named <paramref name="outName"/>.</summary>
    public Tensor Emit(OpType op, string outName, int[] outShape, IReadOnlyList<Tensor?> inputs, OpOptions? options = null)
    {
        var output = NewTensor(outName, outShape);
        Nodes.Add(new Node(output.Name, op, inputs, [output], options)
        {
            SourceLayer = Current.Layer,
            SourceClass = Current.Class,
        });
        return output;
    }
}
