using Google.FlatBuffers;
using ModelBuild.Core.Execution.Int8;
using ModelBuild.Core.Graph;
using ModelBuild.Core.TfLite;

namespace ModelBuild.Core.Operators;

/// <summary>
/// Everything the engine knows about one operator kind of the IR: shape inference, its float and int8 kernels,
/// its quantization rule, its TFLite builtin code, lowest version and option table, and whether the Edge TPU maps
/// it. Executors, quantizer, writer and reader find it through <see cref="OperatorRegistry"/>; every concrete
/// subclass in this assembly is registered.
/// </summary>
internal abstract class OperatorDefinition
{
    public abstract OpType Op { get; }

    public abstract TfLiteBuiltinOperator Builtin { get; }

    /// <summary>
    /// True for operators Coral's supported-operations table lacks (the compiler leaves them to the CPU). The
    /// others must appear in EdgeTpuOperatorRules' table, which keeps its own names because it reads foreign files.
    /// </summary>
    public virtual bool EdgeTpuCpuOnly => false;

    /// <summary>The output shape from the input shapes, constant inputs and options (graph shapes, batch 1).</summary>
    public abstract int[] InferOutputShape(Node node);

    /// <summary>The float kernel of <paramref name="node"/>, with its constants prepared once.</summary>
    public abstract FloatKernel CreateFloatKernel(Node node);

    /// <summary>The int8 kernel of a quantized <paramref name="node"/>; TFLite 2.9's integer arithmetic.</summary>
    public virtual Int8Kernel CreateInt8Kernel(Node node) =>
        throw new NotSupportedException($"Node '{node.Name}': {node.Op} is not supported by the int8 executor.");

    /// <summary>How the quantizer gives this op int8 parameters; null when the op has no int8 form here.</summary>
    public virtual QuantizationRule? Quantization => QuantizationRule.OwnRange;

    /// <summary>The lowest TFLite operator version that expresses <paramref name="node"/> (op_version.cc).</summary>
    public abstract int Version(Node node);

    /// <summary>The TFLite release that first ran <paramref name="version"/> (runtime_version.cc); "" when unknown.</summary>
    public abstract string MinRuntimeVersion(int version);

    /// <summary>Writes the builtin option table; (None, 0) for ops without one.</summary>
    public virtual (TfLiteBuiltinOptionsType Type, int Offset) WriteOptions(FlatBufferBuilder b, Node node) => (TfLiteBuiltinOptionsType.None, 0);

    /// <summary>Reads the builtin option table back into the IR's options.</summary>
    public virtual OpOptions? ReadOptions(TfLiteOptionsTable table, int[] outputShape) => null;

    /// <summary>The inputs as written to a .tflite file (e.g. an explicit or zero bias TFLite 2.9 needs).</summary>
    public virtual IReadOnlyList<Tensor?> TfLiteInputs(Node node) => node.Inputs;

    /// <summary>The IR's inputs from those of a .tflite operator: the inverse of <see cref="TfLiteInputs"/> when it reorders them.</summary>
    public virtual IReadOnlyList<Tensor?> FromTfLiteInputs(IReadOnlyList<Tensor?> inputs) => inputs;

    /// <summary>Version 2 for int8 inputs, 1 for float: the rule most builtins follow.</summary>
    protected static int Int8Version2(Node node) => IsInt8(node) ? 2 : 1;

    protected static bool IsInt8(Node node) => node.Inputs.Count > 0 && node.Inputs[0]?.Type == DataType.Int8;

    /// <summary>Int8 inputs, weights and outputs: the integer version of the weighted ops.</summary>
    protected static bool IsFullyInt8(Node node) =>
        IsInt8(node) && node.Inputs[1]?.Type == DataType.Int8 && node.Outputs[0].Type == DataType.Int8;
}
