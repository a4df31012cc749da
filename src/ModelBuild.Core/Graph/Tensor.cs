namespace ModelBuild.Core.Graph;

/// <summary>
/// A tensor of the IR. Layout is TFLite's: activations NHWC; CONV_2D weights OHWI; DEPTHWISE_CONV_2D
/// weights 1HW(C*M); FULLY_CONNECTED weights [out, in]. Shapes are static; dimension 0 is the batch (1 in
/// the graph; executors may run a larger batch).
/// </summary>
public sealed class Tensor
{
    public Tensor(string name, int[] shape, DataType type = DataType.Float32, Array? data = null)
    {
        Name = name;
        Shape = shape;
        Type = type;
        Data = data;
    }

    /// <summary>Unique name within a graph (Keras layer output names, e.g. "conv4_block4_out").</summary>
    public string Name { get; set; }

    public int[] Shape { get; set; }

    public DataType Type { get; set; }

    /// <summary>
    /// Constant contents, or null for a runtime tensor. The array type matches <see cref="Type"/>:
    /// float[] for Float32, sbyte[] for Int8, int[] for Int32, byte[] for UInt8, long[] for Int64.
    /// </summary>
    public Array? Data { get; set; }

    /// <summary>Quantization parameters (int8/int32 tensors of a quantized graph); null in a float graph.</summary>
    public QuantParams? Quant { get; set; }

    public bool IsConstant => Data is not null;

    public int Rank => Shape.Length;

    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (var d in Shape) n *= d;
            return n;
        }
    }

    public float[] FloatData => Data as float[] ?? throw new InvalidOperationException($"Tensor '{Name}' has no float data.");

    public sbyte[] Int8Data => Data as sbyte[] ?? throw new InvalidOperationException($"Tensor '{Name}' has no int8 data.");

    public int[] Int32Data => Data as int[] ?? throw new InvalidOperationException($"Tensor '{Name}' has no int32 data.");

    public override string ToString() => $"{Name} {Type}[{string.Join('x', Shape)}]";
}
